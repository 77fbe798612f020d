package dev.bus.autoconfigure;

import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.atLeast;

/** Micrometer metrics. */
public class MetricsProperties {

	/**
	 * Most distinct values of the {@code topic} tag on Bus's meters; messages on further
	 * topics are counted under {@code topic=other}, so topics built from data cannot grow
	 * the registry without bound.
	 */
	private int maxTopics = 200;

	public int getMaxTopics() {
		return this.maxTopics;
	}

	public void setMaxTopics(int maxTopics) {
		this.maxTopics = maxTopics;
	}

	/** Checks the values at binding time, under {@code bus.metrics}. */
	void validate(Errors errors) {
		atLeast(errors, "maxTopics", getMaxTopics(), 1);
	}

}

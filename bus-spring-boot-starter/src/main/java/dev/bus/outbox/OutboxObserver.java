package dev.bus.outbox;

import java.time.Duration;
import java.util.List;

/**
 * Receives outbox relay outcomes, for metrics.
 */
public interface OutboxObserver {

	/** Ignores everything. */
	OutboxObserver NONE = new OutboxObserver() {
	};

	/**
	 * One observer telling all of {@code observers}, in order; {@link #NONE} for none.
	 */
	static OutboxObserver composite(List<? extends OutboxObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		List<OutboxObserver> all = List.copyOf(observers);
		return new OutboxObserver() {

			@Override
			public void relayed(String topic, Duration latency) {
				all.forEach((observer) -> observer.relayed(topic, latency));
			}

			@Override
			public void passFailed(RuntimeException error) {
				all.forEach((observer) -> observer.passFailed(error));
			}

		};
	}

	/**
	 * A row was confirmed by the broker {@code latency} after its transaction wrote it.
	 */
	default void relayed(String topic, Duration latency) {
	}

	/** A relay pass failed (database or broker unreachable). */
	default void passFailed(RuntimeException error) {
	}

}

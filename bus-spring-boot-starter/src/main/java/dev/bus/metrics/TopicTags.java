package dev.bus.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code topic} tag value of a meter, bounded: the first {@code maxTopics} distinct topics keep their name,
 * every later one is tagged {@value #OTHER}. Topics can be built from data (one per customer, say), and an
 * unbounded tag would grow the meter registry, and every scrape, without limit.
 */
final class TopicTags {

	/** The tag value of topics beyond the bound. */
	static final String OTHER = "other";

	private final int maxTopics;

	private final Set<String> known = ConcurrentHashMap.newKeySet();

	TopicTags(int maxTopics) {
		this.maxTopics = maxTopics;
	}

	String tag(String topic) {
		if (this.known.contains(topic)) {
			return topic;
		}
		// Racing threads may admit a few topics past the bound; the bound is a guard, not an exact count.
		if (this.known.size() < this.maxTopics) {
			this.known.add(topic);
			return topic;
		}
		return OTHER;
	}

}

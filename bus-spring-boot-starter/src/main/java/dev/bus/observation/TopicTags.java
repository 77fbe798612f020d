package dev.bus.observation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code topic} tag value of a meter, bounded: the first {@code maxTopics} distinct
 * topics keep their name, every later one is tagged {@value #OTHER}. Topics can be built
 * from data (one per customer, say), and an unbounded tag would grow the meter registry,
 * and every scrape, without limit.
 */
public final class TopicTags {

	/** The tag value of topics beyond the bound. */
	public static final String OTHER = "other";

	private final int maxTopics;

	private final Set<String> known = ConcurrentHashMap.newKeySet();

	/**
	 * @param maxTopics distinct topics that keep their own tag value
	 */
	public TopicTags(int maxTopics) {
		this.maxTopics = maxTopics;
	}

	/**
	 * The tag value for {@code topic}: its name while within the bound, {@value #OTHER}
	 * beyond it.
	 */
	public String tag(String topic) {
		if (this.known.contains(topic)) {
			return topic;
		}
		// Racing threads may admit a few topics past the bound; the bound is a guard, not
		// an exact count.
		if (this.known.size() < this.maxTopics) {
			this.known.add(topic);
			return topic;
		}
		return OTHER;
	}

}

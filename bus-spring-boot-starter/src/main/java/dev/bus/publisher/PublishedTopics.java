package dev.bus.publisher;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics this application has published to since it started, which the sidecar
 * registers in Consul (with the topics its publishers declare) and the broker-scope
 * report lists. Bounded, since topics may be built from data.
 */
public class PublishedTopics {

	/** Most distinct topics remembered. */
	static final int MAX_REMEMBERED_TOPICS = 256;

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	/**
	 * Remembers a topic a message is about to be published to (up to
	 * {@value #MAX_REMEMBERED_TOPICS}).
	 */
	public void record(String topic) {
		if (!this.topics.contains(topic) && this.topics.size() < MAX_REMEMBERED_TOPICS) {
			this.topics.add(topic);
		}
	}

	/** The topics remembered, sorted. */
	public List<String> sorted() {
		return this.topics.stream().sorted().toList();
	}

}

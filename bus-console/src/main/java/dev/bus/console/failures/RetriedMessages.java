package dev.bus.console.failures;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages the console retried, so that one back in a dead-letter queue is marked as
 * failing again. Bounded (the oldest go first); kept in memory, so a console restart
 * forgets the marks (not the dead letters, which stay in their queues).
 */
public class RetriedMessages {

	private final Map<String, Instant> retried;

	public RetriedMessages(int kept) {
		this.retried = new LinkedHashMap<>(16, 0.75f, false) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
				return size() > kept;
			}
		};
	}

	public synchronized void retried(String service, String listener, String messageId, Instant when) {
		this.retried.put(key(service, listener, messageId), when);
	}

	/** Whether the console retried this message of this listener. */
	public synchronized boolean wasRetried(String service, String listener, String messageId) {
		return messageId != null && this.retried.containsKey(key(service, listener, messageId));
	}

	private static String key(String service, String listener, String messageId) {
		return service + '\u0000' + listener + '\u0000' + messageId;
	}

}

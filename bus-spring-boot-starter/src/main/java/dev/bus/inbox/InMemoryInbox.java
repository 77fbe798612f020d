package dev.bus.inbox;

import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link Inbox} in this process's memory: a bounded window of the most recently
 * processed message ids, each kept for at most the retention time. It catches the common
 * duplicates (redelivery after a lost ack or a consumer restart within the window) at no
 * cost, but forgets on restart and is not shared between instances: use the JDBC inbox
 * when duplicates must never reach the handler.
 */
public class InMemoryInbox implements Inbox {

	private final int maxEntries;

	private final Duration retention;

	private final Clock clock;

	/**
	 * Insertion-ordered, so the oldest entry is the first: eviction by size and age is a
	 * walk from the head.
	 */
	private final LinkedHashMap<String, Instant> processed = new LinkedHashMap<>();

	public InMemoryInbox(int maxEntries, Duration retention, Clock clock) {
		this.maxEntries = maxEntries;
		this.retention = retention;
		this.clock = clock;
	}

	@Override
	public boolean process(String consumer, String messageId, Handler handler) throws InvocationTargetException {
		String key = consumer + '\u0000' + messageId;
		synchronized (this.processed) {
			evictExpired();
			if (this.processed.containsKey(key)) {
				return false;
			}
		}
		handler.handle();
		synchronized (this.processed) {
			this.processed.put(key, this.clock.instant());
			if (this.processed.size() > this.maxEntries) {
				Iterator<String> oldest = this.processed.keySet().iterator();
				oldest.next();
				oldest.remove();
			}
		}
		return true;
	}

	/** Ids currently remembered. */
	public int size() {
		synchronized (this.processed) {
			return this.processed.size();
		}
	}

	private void evictExpired() {
		Instant cutoff = this.clock.instant().minus(this.retention);
		Iterator<Map.Entry<String, Instant>> entries = this.processed.entrySet().iterator();
		while (entries.hasNext() && entries.next().getValue().isBefore(cutoff)) {
			entries.remove();
		}
	}

}

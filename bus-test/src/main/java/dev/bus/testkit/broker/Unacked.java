package dev.bus.testkit.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The deliveries not yet settled, by delivery tag: to a consumer, or taken with
 * {@code basic.get} (no consumer). Used under the broker's lock.
 */
final class Unacked {

	/** One delivery in flight. */
	record Delivery(Stored stored, ConsumerState consumer, String queue) {
	}

	private final Map<Long, Delivery> byTag = new HashMap<>();

	private long lastTag;

	/**
	 * Records a delivery.
	 * @return its delivery tag
	 */
	long add(Stored stored, ConsumerState consumer, String queue) {
		long tag = ++this.lastTag;
		this.byTag.put(tag, new Delivery(stored, consumer, queue));
		return tag;
	}

	/**
	 * @return the delivery, or {@code null} for an unknown or settled tag
	 */
	Delivery remove(long tag) {
		return this.byTag.remove(tag);
	}

	/**
	 * Removes these deliveries, latest first: put back at the head of their queue one
	 * after the other, they end in the order they were delivered.
	 */
	List<Delivery> removeLatestFirst(Collection<Long> tags) {
		List<Long> sorted = tags.stream().sorted().toList();
		List<Delivery> removed = new ArrayList<>();
		for (int i = sorted.size() - 1; i >= 0; i--) {
			Delivery delivery = this.byTag.remove(sorted.get(i));
			if (delivery != null) {
				removed.add(delivery);
			}
		}
		return removed;
	}

	/** Removes a consumer's deliveries, latest first. */
	List<Delivery> removeLatestFirst(ConsumerState consumer) {
		return removeLatestFirst(tagsWhere((delivery) -> delivery.consumer() == consumer));
	}

	private List<Long> tagsWhere(Predicate<Delivery> condition) {
		return this.byTag.entrySet()
			.stream()
			.filter((entry) -> condition.test(entry.getValue()))
			.map(Map.Entry::getKey)
			.toList();
	}

}

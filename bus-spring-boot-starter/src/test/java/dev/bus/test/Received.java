package dev.bus.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;

/**
 * What a test listener received, in order.
 */
public class Received<T> {

	private final List<T> items = new CopyOnWriteArrayList<>();

	public void add(T item) {
		this.items.add(item);
	}

	public List<T> items() {
		return List.copyOf(this.items);
	}

	public int size() {
		return this.items.size();
	}

	public List<T> awaitCount(int count) {
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.items.size() >= count);
		return items();
	}

}

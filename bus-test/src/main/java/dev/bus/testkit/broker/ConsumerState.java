package dev.bus.testkit.broker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A consumer: its queue, prefetch and deliveries in flight, and the thread it is handed
 * deliveries on.
 */
final class ConsumerState {

	final String tag;

	final String queue;

	final int prefetch;

	final DeliveryHandler handler;

	final ExecutorService executor;

	int inFlight;

	ConsumerState(String tag, String queue, int prefetch, DeliveryHandler handler) {
		this.tag = tag;
		this.queue = queue;
		this.prefetch = prefetch;
		this.handler = handler;
		this.executor = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "bus-in-process-" + tag);
			thread.setDaemon(true);
			return thread;
		});
	}

}

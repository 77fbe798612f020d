package dev.bus.testkit.broker;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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

	/**
	 * Hands over nothing more; the deliveries already handed over finish, up to
	 * {@code timeout}, then the thread is interrupted.
	 */
	void stop(Duration timeout) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
		}
	}

}

package dev.bus.testkit.inprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.amqp.core.Message;

import dev.bus.listener.BusMessageListener.Settlement;
import dev.bus.listener.ListenerContainer;
import dev.bus.testkit.broker.InProcessBroker;

/**
 * A listener's consumers on the {@link InProcessBroker}: {@code consumers} subscriptions
 * to its queue, each handing deliveries one at a time to the listener and settling each
 * as the listener says (acknowledged, or rejected to the queue's dead-letter exchange).
 * Stopping cancels them: deliveries already handed over finish within the shutdown
 * timeout, and what stays unacknowledged goes back to the queue.
 */
public class InProcessListenerContainer implements ListenerContainer {

	private final InProcessBroker broker;

	private final String queue;

	private final int consumers;

	private final int prefetch;

	private final Function<Message, Settlement> listener;

	private final Duration shutdownTimeout;

	private final List<String> consumerTags = new ArrayList<>();

	/**
	 * @param listener handles one delivery and says how to settle it
	 * ({@code BusMessageListener::handle})
	 */
	public InProcessListenerContainer(InProcessBroker broker, String queue, int consumers, int prefetch,
			Function<Message, Settlement> listener, Duration shutdownTimeout) {
		this.broker = broker;
		this.queue = queue;
		this.consumers = consumers;
		this.prefetch = prefetch;
		this.listener = listener;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public synchronized void start() {
		if (!this.consumerTags.isEmpty()) {
			return;
		}
		for (int i = 0; i < this.consumers; i++) {
			this.consumerTags.add(this.broker.consume(this.queue, this.prefetch, this::deliver));
		}
	}

	private void deliver(Message message, long deliveryTag) {
		if (this.listener.apply(message) == Settlement.REJECT) {
			this.broker.reject(deliveryTag, false);
		}
		else {
			this.broker.ack(deliveryTag);
		}
	}

	@Override
	public void stop(Runnable callback) {
		stop();
		callback.run();
	}

	@Override
	public void stop() {
		List<String> stopping;
		synchronized (this) {
			stopping = List.copyOf(this.consumerTags);
			this.consumerTags.clear();
		}
		stopping.forEach((tag) -> this.broker.cancel(tag, this.shutdownTimeout));
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.consumerTags.isEmpty();
	}

	@Override
	public synchronized int activeConsumers() {
		return (int) this.consumerTags.stream().filter(this.broker::consuming).count();
	}

	/** Nothing is grouped: each delivery is settled when it is handled. */
	@Override
	public int pendingAcks() {
		return 0;
	}

}

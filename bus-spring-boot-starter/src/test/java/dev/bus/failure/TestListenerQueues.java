package dev.bus.failure;

import java.time.Duration;
import java.util.List;

import dev.bus.core.TopicPattern;

/**
 * The queues of one listener, {@code stock.reserve} of group {@code inventory} on
 * {@code orders.*}, for the failure package's tests.
 */
final class TestListenerQueues implements ListenerQueues {

	static final ListenerQueues INVENTORY = new TestListenerQueues();

	private TestListenerQueues() {
	}

	@Override
	public String id() {
		return "stock.reserve";
	}

	@Override
	public TopicPattern topic() {
		return TopicPattern.of("orders.*");
	}

	@Override
	public String group() {
		return "inventory";
	}

	@Override
	public String queue() {
		return "inventory.orders.*";
	}

	@Override
	public String deadLetterQueue() {
		return "inventory.orders.*.dlq";
	}

	@Override
	public RetryPolicy retry() {
		return new RetryPolicy(3, List.of(Duration.ofSeconds(1)), List.of(), List.of());
	}

}

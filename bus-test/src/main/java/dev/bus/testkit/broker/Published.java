package dev.bus.testkit.broker;

import java.util.List;

/**
 * What a publish to the {@link InProcessBroker} did.
 *
 * @param queues the queues that took it
 * @param rejected whether a full {@code reject-publish} queue refused it (RabbitMQ nacks)
 */
public record Published(List<String> queues, boolean rejected) {

	/** Whether no queue took it (a mandatory publish is then returned). */
	public boolean unroutable() {
		return this.queues.isEmpty() && !this.rejected;
	}

}

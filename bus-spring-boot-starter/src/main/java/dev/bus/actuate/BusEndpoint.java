package dev.bus.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.ConfirmingPublisher;

/**
 * Actuator endpoint {@code bus}: the application's listeners (topic, group, queue, concurrency, state) and its
 * publisher. The sidecar reads it to learn which topics the app publishes and listens to.
 */
@Endpoint(id = "bus")
public class BusEndpoint {

	private final BusListenerRegistry registry;

	private final ConfirmingPublisher publisher;

	private final PublisherDescriptor publisherDescriptor;

	public BusEndpoint(BusListenerRegistry registry, ConfirmingPublisher publisher,
			PublisherDescriptor publisherDescriptor) {
		this.registry = registry;
		this.publisher = publisher;
		this.publisherDescriptor = publisherDescriptor;
	}

	@ReadOperation
	public BusDescriptor bus() {
		List<ListenerDescriptor> listeners = (this.registry != null) ? this.registry.registrations()
			.stream()
			.map((registration) -> ListenerDescriptor.of(registration.definition(),
					registration.container().isRunning(), registration.container().getActiveConsumerCount()))
			.toList() : List.of();
		return new BusDescriptor(listeners, this.publisherDescriptor.withPending(this.publisher.pendingCount()));
	}

	/** The endpoint's body. */
	public record BusDescriptor(List<ListenerDescriptor> listeners, PublisherDescriptor publisher) {
	}

	/** One listener. */
	public record ListenerDescriptor(String id, String topic, String group, String queue, String deadLetterQueue,
			boolean broadcast, boolean ordered, String concurrency, int prefetch, String filter, String method,
			String state, int activeConsumers) {

		static ListenerDescriptor of(BusListenerDefinition definition, boolean running, int activeConsumers) {
			String state = !running ? "stopped" : (activeConsumers > 0) ? "consuming" : "waiting-for-broker";
			return new ListenerDescriptor(definition.id(), definition.topic().toString(), definition.group(),
					definition.queue(), definition.deadLetterQueue(), definition.broadcast(), definition.ordered(),
					definition.concurrency(), definition.prefetch(), definition.filter(),
					definition.method().describe(), state, activeConsumers);
		}

	}

	/** The publisher. */
	public record PublisherDescriptor(String exchange, String source, boolean batching, long confirmTimeoutMillis,
			int pendingConfirms) {

		PublisherDescriptor withPending(int pending) {
			return new PublisherDescriptor(this.exchange, this.source, this.batching, this.confirmTimeoutMillis,
					pending);
		}

	}

}

package dev.bus.publisher;

import java.util.concurrent.CompletableFuture;

import dev.bus.observation.BusObservations;

/**
 * The default {@link dev.bus.BusPublisher}: one AMQP message per publish, confirmed by the broker.
 */
public class RabbitBusPublisher extends AbstractBusPublisher {

	private final String exchange;

	private final ConfirmingPublisher confirmingPublisher;

	public RabbitBusPublisher(String exchange, EnvelopeFactory envelopeFactory,
			ConfirmingPublisher confirmingPublisher, BusObservations observations, Requester requester,
			PublishRouting routing) {
		super(envelopeFactory, observations, requester, routing);
		this.exchange = exchange;
		this.confirmingPublisher = confirmingPublisher;
	}

	@Override
	protected CompletableFuture<Void> send(Envelope envelope) {
		return this.confirmingPublisher.publish(this.exchange, envelope);
	}

}

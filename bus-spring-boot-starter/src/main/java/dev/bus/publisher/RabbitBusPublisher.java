package dev.bus.publisher;

import java.util.concurrent.CompletableFuture;

import dev.bus.observation.BusObservations;
import dev.bus.transport.Envelope;
import dev.bus.transport.EnvelopeSender;

/**
 * The default {@link dev.bus.BusPublisher}: one AMQP message per publish, confirmed by
 * the broker.
 */
public class RabbitBusPublisher extends AbstractBusPublisher {

	private final String exchange;

	private final EnvelopeSender envelopeSender;

	public RabbitBusPublisher(String exchange, EnvelopeFactory envelopeFactory, EnvelopeSender envelopeSender,
			BusObservations observations, Requests requester, PublishRouting routing) {
		super(envelopeFactory, observations, requester, routing);
		this.exchange = exchange;
		this.envelopeSender = envelopeSender;
	}

	@Override
	protected CompletableFuture<Void> send(Envelope envelope) {
		return this.envelopeSender.send(this.exchange, envelope);
	}

}

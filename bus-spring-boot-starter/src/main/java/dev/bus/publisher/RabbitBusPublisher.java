package dev.bus.publisher;

import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;

/**
 * The default {@link BusPublisher}: one AMQP message per publish, confirmed by the broker.
 */
public class RabbitBusPublisher implements BusPublisher {

	private final String exchange;

	private final EnvelopeFactory envelopeFactory;

	private final ConfirmingPublisher confirmingPublisher;

	private final PublisherObserver observer;

	public RabbitBusPublisher(String exchange, EnvelopeFactory envelopeFactory,
			ConfirmingPublisher confirmingPublisher, PublisherObserver observer) {
		this.exchange = exchange;
		this.envelopeFactory = envelopeFactory;
		this.confirmingPublisher = confirmingPublisher;
		this.observer = observer;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(OutboundMessage message) {
		Envelope envelope;
		try {
			envelope = this.envelopeFactory.create(message);
		}
		catch (BusPublishException ex) {
			this.observer.failed(message.topic(), ex);
			return CompletableFuture.failedFuture(ex);
		}
		this.observer.published(message.topic());
		return this.confirmingPublisher.publish(this.exchange, envelope)
			.whenComplete((ignored, error) -> this.observer.settled(message.topic(), error))
			.thenApply((ignored) -> new PublishReceipt(message.topic(), message.messageId()));
	}

}

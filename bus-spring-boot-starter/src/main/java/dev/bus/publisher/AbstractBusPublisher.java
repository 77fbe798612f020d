package dev.bus.publisher;

import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;

/**
 * What every {@link BusPublisher} does around sending: build the envelope (failing the future, not throwing, on
 * bad input), report outcomes to the {@link PublisherObserver} and turn the confirm into a receipt. Subclasses
 * decide only how an envelope reaches the broker.
 */
public abstract class AbstractBusPublisher implements BusPublisher {

	private final EnvelopeFactory envelopeFactory;

	private final PublisherObserver observer;

	private PublishTracing tracing = PublishTracing.NONE;

	protected AbstractBusPublisher(EnvelopeFactory envelopeFactory, PublisherObserver observer) {
		this.envelopeFactory = envelopeFactory;
		this.observer = observer;
	}

	/** Traces every publish (set by the tracing auto-configuration). */
	public void setTracing(PublishTracing tracing) {
		this.tracing = tracing;
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
		PublishTracing.PublishSpan span = this.tracing.start(envelope);
		this.observer.published(message.topic());
		return send(span.envelope()).whenComplete((ignored, error) -> {
			span.end(error);
			this.observer.settled(message.topic(), error);
		}).thenApply((ignored) -> new PublishReceipt(message.topic(), message.messageId()));
	}

	/**
	 * Sends an envelope.
	 * @return a future completed on the broker's confirm, failed with a {@link BusPublishException} otherwise
	 */
	protected abstract CompletableFuture<Void> send(Envelope envelope);

}

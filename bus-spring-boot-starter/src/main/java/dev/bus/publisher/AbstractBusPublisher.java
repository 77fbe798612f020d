package dev.bus.publisher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;

/**
 * What every {@link BusPublisher} does around sending: build the envelope and run the publish chain (failing
 * the future, not throwing, on bad input or a rejection), report outcomes to the {@link PublisherObserver} and
 * the chain's callbacks, and turn the confirm into a receipt. Subclasses decide only how an envelope reaches the
 * broker.
 */
public abstract class AbstractBusPublisher implements BusPublisher {

	private final EnvelopeFactory envelopeFactory;

	private final PublisherObserver observer;

	private final Requester requester;

	protected AbstractBusPublisher(EnvelopeFactory envelopeFactory, PublisherObserver observer, Requester requester) {
		this.envelopeFactory = envelopeFactory;
		this.observer = observer;
		this.requester = requester;
	}

	/** Requests go straight to the broker, never batched nor through an outbox: someone is waiting for the reply. */
	@Override
	public <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		return this.requester.request(message, replyType, timeout);
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(OutboundMessage message) {
		OutgoingEnvelope outgoing;
		try {
			outgoing = this.envelopeFactory.create(message);
		}
		catch (BusPublishException ex) {
			this.observer.failed(message.topic(), ex);
			return CompletableFuture.failedFuture(ex);
		}
		this.observer.published(message.topic());
		return send(outgoing.envelope()).whenComplete((ignored, error) -> {
			outgoing.settle(error);
			this.observer.settled(message.topic(), error);
		}).thenApply((ignored) -> new PublishReceipt(message.topic(), message.messageId()));
	}

	/**
	 * Sends an envelope.
	 * @return a future completed on the broker's confirm, failed with a {@link BusPublishException} otherwise
	 */
	protected abstract CompletableFuture<Void> send(Envelope envelope);

}

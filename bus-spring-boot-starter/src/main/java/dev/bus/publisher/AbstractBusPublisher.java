package dev.bus.publisher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.routing.Route;
import dev.bus.routing.Router;

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

	private final Router router;

	protected AbstractBusPublisher(EnvelopeFactory envelopeFactory, PublisherObserver observer, Requester requester,
			Router router) {
		this.envelopeFactory = envelopeFactory;
		this.observer = observer;
		this.requester = requester;
		this.router = router;
	}

	/** Requests go straight to the broker, never batched nor through an outbox: someone is waiting for the reply. */
	@Override
	public <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		return this.requester.request(message, replyType, timeout);
	}

	/**
	 * Applies the routing rules, then publishes: to the message's topic, to another (redirect, split), to it and
	 * others (copy: the receipt once every copy is confirmed), or nowhere (reject: the future fails, nothing is
	 * sent).
	 */
	@Override
	public CompletableFuture<PublishReceipt> publish(OutboundMessage message) {
		Route route = this.router.route(message);
		if (route.action() == null) {
			return publishOne(message);
		}
		return switch (route.action()) {
			case REJECT -> {
				BusPublishException rejected = new BusPublishException(BusPublishException.Reason.REJECTED,
						message.topic(), message.messageId(), "routing rule " + route.routedBy() + ": " + route.reason(),
						null);
				this.observer.failed(message.topic(), rejected);
				yield CompletableFuture.failedFuture(rejected);
			}
			case REDIRECT, SPLIT -> publishOne(message.routedTo(route.targets().get(0), route.routedBy()));
			case COPY -> {
				List<CompletableFuture<PublishReceipt>> all = new ArrayList<>();
				all.add(publishOne(message));
				route.targets().forEach((target) -> all.add(publishOne(message.routedTo(target, route.routedBy()))));
				yield CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenCompose((ignored) -> all.get(0));
			}
		};
	}

	private CompletableFuture<PublishReceipt> publishOne(OutboundMessage message) {
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

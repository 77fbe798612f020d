package dev.bus.publisher;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.observation.BusObservations;
import dev.bus.transport.Envelope;

/**
 * What every {@link BusPublisher} does around sending: build the envelope and run the
 * publish chain (failing the future, not throwing, on bad input or a rejection), observe
 * each publish ({@link BusObservations}), tell the chain's callbacks the outcome, and
 * turn the confirm into a receipt. Subclasses decide only how an envelope reaches the
 * broker.
 */
public abstract class AbstractBusPublisher implements BusPublisher {

	private final EnvelopeFactory envelopeFactory;

	private final BusObservations observations;

	private final Requests requester;

	private final PublishRouting routing;

	protected AbstractBusPublisher(EnvelopeFactory envelopeFactory, BusObservations observations, Requests requester,
			PublishRouting routing) {
		this.envelopeFactory = envelopeFactory;
		this.observations = observations;
		this.requester = requester;
		this.routing = routing;
	}

	/**
	 * Requests go straight to the broker, never batched nor through an outbox: someone is
	 * waiting for the reply.
	 */
	@Override
	public <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		return this.requester.request(message, replyType, timeout);
	}

	/**
	 * Applies the routing rules, then publishes: to the message's topic, to another
	 * (redirect, split), to it and others (copy: the receipt once every copy is
	 * confirmed), into a holding queue (hold), or nowhere (reject: the future fails,
	 * nothing is sent).
	 */
	@Override
	public CompletableFuture<PublishReceipt> publish(OutboundMessage message) {
		List<PublishRouting.Send> sends;
		try {
			sends = this.routing.apply(message);
		}
		catch (BusPublishException ex) {
			BusObservations.publishSettled(this.observations.publishStarted(message), ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (sends.size() == 1) {
			return publishOne(sends.get(0));
		}
		List<CompletableFuture<PublishReceipt>> all = sends.stream().map(this::publishOne).toList();
		return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenCompose((ignored) -> all.get(0));
	}

	private CompletableFuture<PublishReceipt> publishOne(PublishRouting.Send send) {
		OutboundMessage message = send.message();
		Observation observation = this.observations.publishStarted(message);
		OutgoingEnvelope outgoing;
		try {
			outgoing = this.envelopeFactory.create(message,
					(send.holdTopic() != null) ? Addressing.HELD : Addressing.TOPIC, observation);
		}
		catch (BusPublishException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<Void> sent = this.envelopeFactory.signThenSend(outgoing.envelope(),
				(signed) -> (send.holdTopic() != null) ? this.routing.hold(signed, send.holdTopic()) : send(signed),
				sendsOnCallerThread());
		return sent.whenComplete((ignored, error) -> outgoing.settle(error))
			.thenApply((ignored) -> new PublishReceipt(message.topic(), message.messageId()));
	}

	/**
	 * Whether {@link #send} must run on the publishing thread (it writes inside the
	 * caller's transaction): the envelope is then signed there too, alone, rather than
	 * with others on the signer's thread.
	 */
	protected boolean sendsOnCallerThread() {
		return false;
	}

	/**
	 * Sends an envelope.
	 * @return a future completed on the broker's confirm, failed with a
	 * {@link BusPublishException} otherwise
	 */
	protected abstract CompletableFuture<Void> send(Envelope envelope);

}

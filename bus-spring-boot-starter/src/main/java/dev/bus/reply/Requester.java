package dev.bus.reply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;

import dev.bus.BusPublishException;
import dev.bus.BusRequestException;
import dev.bus.BusRequestException.Reason;
import dev.bus.OutboundMessage;
import dev.bus.transport.Envelope;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.Requests;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.PublishRouting;
import dev.bus.observation.BusObservations;
import dev.bus.publisher.Addressing;

/**
 * Sends requests: the message goes through the publish chain like any other (tracing,
 * tokens, encryption), then on the publisher's channel with {@code reply_to} set to
 * RabbitMQ's direct reply-to and the message id as correlation id. That channel consumes
 * the replies ({@link dev.bus.transport.ConfirmedSender}), as direct reply-to requires.
 * The request is mandatory and confirmed: a topic no listener is bound to fails at once.
 * No routing rule applies to a request, but the broker's scopes do
 * ({@link PublishRouting#admit}). Its send is observed as a publish on its topic
 * ({@code bus.publish}), settled by the broker's confirm, not by the reply.
 */
public class Requester implements Requests {

	private final String exchange;

	private final EnvelopeFactory envelopeFactory;

	private final EnvelopeSender publisher;

	private final PendingReplies replies;

	private final PublishRouting routing;

	private final BusObservations observations;

	public Requester(String exchange, EnvelopeFactory envelopeFactory, EnvelopeSender publisher, PendingReplies replies,
			PublishRouting routing, BusObservations observations) {
		this.routing = routing;
		this.observations = observations;
		this.exchange = exchange;
		this.envelopeFactory = envelopeFactory;
		this.publisher = publisher;
		this.replies = replies;
	}

	/** Sends the request; the future completes with the reply. */
	@Override
	public <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		Observation observation = this.observations.publishStarted(message);
		OutgoingEnvelope outgoing;
		try {
			this.routing.admit(message);
		}
		catch (BusPublishException ex) {
			BusObservations.publishSettled(observation, ex);
			return CompletableFuture.failedFuture(notSent(message.topic(), ex));
		}
		try {
			// settles the observation itself when it cannot build the envelope
			outgoing = this.envelopeFactory.create(message, Addressing.request(message.messageId()), observation);
		}
		catch (BusPublishException ex) {
			return CompletableFuture.failedFuture(notSent(message.topic(), ex));
		}
		Envelope envelope = outgoing.envelope();
		CompletableFuture<R> reply = this.replies.expect(envelope.messageId(), message.topic(), replyType, timeout);
		this.envelopeFactory.signThenSend(envelope, (signed) -> this.publisher.send(this.exchange, signed), false)
			.whenComplete((confirmed, error) -> {
				outgoing.settle(error);
				if (error instanceof BusPublishException failed) {
					boolean unroutable = failed.getReason() == BusPublishException.Reason.UNROUTABLE;
					this.replies.fail(envelope.messageId(),
							unroutable
									? new BusRequestException(Reason.NO_RESPONDER, message.topic(),
											"no listener is bound for the topic", null, failed)
									: notSent(message.topic(), failed));
				}
			});
		return reply;
	}

	private static BusRequestException notSent(String topic, BusPublishException cause) {
		return new BusRequestException(Reason.NOT_SENT, topic, cause.getMessage(), null, cause);
	}

}

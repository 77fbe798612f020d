package dev.bus.publisher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.rabbitmq.client.AMQP;

import dev.bus.BusPublishException;
import dev.bus.BusRequestException;
import dev.bus.BusRequestException.Reason;
import dev.bus.OutboundMessage;

/**
 * Sends requests: the message goes through the publish chain like any other (tracing, tokens, encryption), then on
 * the publisher's channel with {@code reply_to} set to RabbitMQ's direct reply-to and the message id as
 * correlation id. That channel consumes the replies ({@link ConfirmingPublisher}), as direct reply-to requires.
 * The request is mandatory and confirmed: a topic no listener is bound to fails at once.
 */
public class Requester {

	private final String exchange;

	private final EnvelopeFactory envelopeFactory;

	private final ConfirmingPublisher publisher;

	private final Replies replies;

	public Requester(String exchange, EnvelopeFactory envelopeFactory, ConfirmingPublisher publisher, Replies replies) {
		this.exchange = exchange;
		this.envelopeFactory = envelopeFactory;
		this.publisher = publisher;
		this.replies = replies;
	}

	/** Sends the request; the future completes with the reply. */
	public <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		OutgoingEnvelope outgoing;
		try {
			outgoing = this.envelopeFactory.create(message);
		}
		catch (BusPublishException ex) {
			return CompletableFuture.failedFuture(notSent(message.topic(), ex));
		}
		Envelope envelope = outgoing.envelope();
		AMQP.BasicProperties properties = envelope.properties()
			.builder()
			.replyTo(Replies.DIRECT_REPLY_TO)
			.correlationId(envelope.messageId())
			.build();
		CompletableFuture<R> reply = this.replies.expect(envelope.messageId(), message.topic(), replyType, timeout);
		this.envelopeFactory
			.signThenSend(new Envelope(envelope.topic(), envelope.messageId(), properties, envelope.body()),
					(signed) -> this.publisher.publish(this.exchange, signed), false)
			.whenComplete((confirmed, error) -> {
				outgoing.settle(error);
				if (error instanceof BusPublishException failed) {
					boolean unroutable = failed.getReason() == BusPublishException.Reason.UNROUTABLE;
					this.replies.fail(envelope.messageId(), unroutable ? new BusRequestException(Reason.NO_RESPONDER,
							message.topic(), "no listener is bound for the topic", null, failed)
							: notSent(message.topic(), failed));
				}
			});
		return reply;
	}

	private static BusRequestException notSent(String topic, BusPublishException cause) {
		return new BusRequestException(Reason.NOT_SENT, topic, cause.getMessage(), null, cause);
	}

}

package dev.bus.reply;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.observation.BusObservations;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.Addressing;

/**
 * Answers requests: a listener method's return value goes back as JSON to the request's
 * {@code reply_to} (RabbitMQ direct reply-to) with its correlation id; what the method
 * threw goes back as the exception's class name and a bounded message, never a stack
 * trace. A reply is a message of the request's topic: it goes through the publish chain
 * like any message of that topic, observed as a publish on it ({@code bus.publish}: its
 * PRODUCER span continues the trace), it carries this application's per-message token,
 * and it is encrypted with the topic's keyset), so a reply is no weaker than the request
 * it answers. Replies are transient and not waited for: a requester that has gone is no
 * one's loss.
 */
public class Responder {

	private static final Log logger = LogFactory.getLog(Responder.class);

	private final EnvelopeSender publisher;

	private final EnvelopeFactory envelopeFactory;

	private final int maxMessageLength;

	private final BusObservations observations;

	public Responder(EnvelopeSender publisher, EnvelopeFactory envelopeFactory, int maxMessageLength,
			BusObservations observations) {
		this.publisher = publisher;
		this.envelopeFactory = envelopeFactory;
		this.maxMessageLength = maxMessageLength;
		this.observations = observations;
	}

	/** Whether the delivered message is a request, waiting for a reply. */
	public static boolean isRequest(MessageProperties properties) {
		return properties.getReplyTo() != null && !properties.getReplyTo().isEmpty();
	}

	/** Sends what the listener method returned, for a request on {@code topic}. */
	public void reply(String topic, MessageProperties request, Object value) {
		try {
			send(request, OutboundMessage.builder(topic, value).build());
		}
		catch (BusPublishException ex) {
			// the value cannot be sent (not serialisable, too large, refused by an
			// element): the requester gets why
			replyError(topic, request, new IllegalStateException("the reply cannot be sent: " + ex.getMessage()));
		}
	}

	/** Sends what the listener method threw, for a request on {@code topic}. */
	public void replyError(String topic, MessageProperties request, Throwable error) {
		String message = String.valueOf(error.getMessage());
		OutboundMessage reply = OutboundMessage.builder(topic, new byte[0])
			.header(BusHeaders.REPLY_ERROR, error.getClass().getName())
			.header(BusHeaders.REPLY_ERROR_MESSAGE,
					(message.length() <= this.maxMessageLength) ? message
							: message.substring(0, this.maxMessageLength) + "...")
			.build();
		try {
			send(request, reply);
		}
		catch (BusPublishException ex) {
			logger.warn("Could not answer request " + LogValues.escape(correlationId(request)) + " (topic '"
					+ LogValues.escape(topic) + "') with the " + "responder's error; the requester times out: "
					+ ex.getMessage());
		}
	}

	private void send(MessageProperties request, OutboundMessage reply) {
		String correlationId = correlationId(request);
		OutgoingEnvelope outgoing = this.envelopeFactory.create(reply, Addressing.reply(correlationId),
				this.observations.replyStarted(reply));
		// Sealed and signed as a message of the request's topic, which the requester
		// verifies it as, and sent to the requester's queue.
		this.envelopeFactory
			.signThenSend(outgoing.envelope(), (signed) -> this.publisher.send("", request.getReplyTo(), signed), false)
			.whenComplete((confirmed, error) -> {
				outgoing.settle(error);
				if (error != null && logger.isDebugEnabled()) {
					logger.debug("The reply to request " + correlationId + " was not delivered: " + error.getMessage());
				}
			});
	}

	private static String correlationId(MessageProperties request) {
		return (request.getCorrelationId() != null) ? request.getCorrelationId() : request.getMessageId();
	}

}

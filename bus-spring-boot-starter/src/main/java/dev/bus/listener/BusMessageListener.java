package dev.bus.listener;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import io.micrometer.observation.Observation;
import tools.jackson.databind.JavaType;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;
import dev.bus.MessageRejectedException;
import dev.bus.core.CloudEventsHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.MessageIds;
import dev.bus.core.batch.MalformedBatchException;
import dev.bus.expression.MessageFilter;
import dev.bus.inbox.Inbox;
import dev.bus.observation.BusObservations;
import dev.bus.transport.CoalescedAcks;
import dev.bus.transport.WireCodec;
import dev.bus.reply.Responder;
import dev.bus.failure.DeliveryOrigin;
import dev.bus.failure.DeliveryOrigins;
import dev.bus.failure.MessageMoves;
import dev.bus.failure.FailureHandling;

/**
 * Handles deliveries for one {@code @BusListener}: unpacks batches, decodes, filters,
 * invokes the method and acknowledges manually (through {@link CoalescedAcks}) once every
 * logical message in the delivery is settled, i.e. handled, filtered out, safely parked
 * for a retry or safely dead-lettered. A message is never acked before that, so a crash
 * or shutdown mid-way leaves it on the queue; and bad input never reaches user code.
 */
public class BusMessageListener implements ChannelAwareMessageListener {

	private static final Log logger = LogFactory.getLog(BusMessageListener.class);

	private static final DeliveryOutcome CONSUMED = new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null);

	private static final DeliveryOutcome FILTERED = new DeliveryOutcome(DeliveryOutcome.Kind.SKIPPED, "filtered", null);

	private static final DeliveryOutcome DUPLICATE = new DeliveryOutcome(DeliveryOutcome.Kind.SKIPPED, "duplicate",
			null);

	/**
	 * The failed message could not be parked or dead-lettered; it is rejected to the
	 * queue's own DLX.
	 */
	private static final DeliveryOutcome NOT_STORED = new DeliveryOutcome(DeliveryOutcome.Kind.DEAD_LETTERED,
			FailureReason.DEAD_LETTER_FAILED.code(), null);

	private final BusListenerDefinition listener;

	private final JavaType payloadType;

	private final PayloadDecoder decoder;

	private final MessageFilter filter;

	private final FailureHandling failures;

	private final BusObservations observations;

	private final Inbox inbox;

	private final Responder responder;

	private final ReceiveChain chain;

	private final CoalescedAcks acks;

	private final DeliveryOrigins origins;

	public BusMessageListener(BusListenerDefinition listener, PayloadDecoder decoder, MessageFilter filter,
			FailureHandling failures, BusObservations observations, Inbox inbox, ReceiveChain chain, CoalescedAcks acks,
			Responder responder, DeliveryOrigins origins) {
		this.origins = origins;
		this.responder = responder;
		this.chain = chain;
		this.acks = acks;
		this.listener = listener;
		this.payloadType = decoder.typeOf(listener.method().payloadType());
		this.decoder = decoder;
		this.filter = filter;
		this.failures = failures;
		this.observations = observations;
		this.inbox = inbox;
	}

	/** How the transport settles a delivery with the broker once it has been handled. */
	public enum Settlement {

		/** Acknowledge: every logical message in it is settled. */
		ACK,
		/**
		 * Reject without requeue: the queue's own dead-letter exchange keeps it (Bus
		 * could not store it itself).
		 */
		REJECT

	}

	@Override
	public void onMessage(Message message, Channel channel) throws IOException {
		long deliveryTag = message.getMessageProperties().getDeliveryTag();
		if (handle(message) == Settlement.REJECT) {
			this.acks.reject(channel, deliveryTag);
		}
		else {
			this.acks.ack(channel, deliveryTag);
		}
	}

	/**
	 * Handles one delivery, a batch's every logical message; the transport settles it as
	 * told. The seam a transport without an AMQP channel (the test kit's in-process one)
	 * delivers through.
	 */
	public Settlement handle(Message message) {
		try {
			if (WireCodec.isBatch(message.getMessageProperties())) {
				for (Message logical : WireCodec.unpack(message)) {
					handleOne(logical);
				}
			}
			else {
				handleOne(message);
			}
		}
		catch (MessageMoves.NotStoredException ex) {
			// The broker's own dead-lettering (the queue's DLX) still keeps the message,
			// without failure headers.
			logger.error("Could not dead-letter a message from queue '" + this.listener.queue()
					+ "'; rejecting it to the queue's dead-letter exchange instead", ex);
			return Settlement.REJECT;
		}
		catch (MalformedBatchException ex) {
			DeliveryOrigin origin = this.origins.of(message.getMessageProperties(), this.listener);
			Observation observation = this.observations
				.deliveryStarted(new DeliveredMessage(this.listener, message, origin, 1));
			BusObservations.deliverySettled(observation,
					this.failures.refused(this.listener, message, origin, 1, FailureReason.MALFORMED_BATCH.code(), ex));
		}
		catch (RuntimeException ex) {
			// A bug on Bus's side, not the handler's (those are caught above): still
			// never leave the delivery unacknowledged or drop it; the queue's
			// dead-letter exchange keeps it.
			logger.error("Unexpected failure handling a message from queue '" + this.listener.queue()
					+ "'; rejecting it to the queue's dead-letter exchange", ex);
			return Settlement.REJECT;
		}
		return Settlement.ACK;
	}

	/** How this listener acknowledges; the direct container flushes it. */
	CoalescedAcks acks() {
		return this.acks;
	}

	/**
	 * One logical message: the receive chain, then decoding, filter and method, inside
	 * the delivery's observation (started and stopped on this thread: the tracing
	 * handler's span is current in between); the chain and the observation hear the
	 * outcome.
	 */
	private void handleOne(Message message) {
		DeliveryOrigin origin = this.origins.of(message.getMessageProperties(), this.listener);
		int attempt = FailureHandling.attemptOf(message.getMessageProperties(), origin);
		identify(message, origin.topic());
		DeliveredMessage delivery = new DeliveredMessage(this.listener, message, origin, attempt);
		Observation observation = this.observations.deliveryStarted(delivery);
		DeliveryOutcome outcome = null;
		try {
			outcome = handle(delivery, observation);
		}
		finally {
			DeliveryOutcome settled = (outcome != null) ? outcome : NOT_STORED;
			delivery.settle(settled);
			BusObservations.deliverySettled(observation, settled);
		}
	}

	private DeliveryOutcome handle(DeliveredMessage delivery, Observation observation) {
		Message message = delivery.original();
		int attempt = delivery.attempt();
		BusMessage<Object> busMessage;
		try {
			if (!delivery.origin().trusted()) {
				throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), delivery.origin().refusal());
			}
			this.chain.apply(delivery);
			busMessage = delivery
				.toBusMessage(this.decoder.decode(delivery.body(), message.getMessageProperties(), this.payloadType));
			BusObservations.deliveryDecoded(observation, busMessage);
			if (this.filter != null && !this.filter.matches(busMessage)) {
				return FILTERED;
			}
		}
		catch (MessageRejectedException ex) {
			return this.failures.refused(this.listener, message, delivery.origin(), attempt, ex.getReason(), ex);
		}
		try {
			return invoke(busMessage, message.getMessageProperties()) ? CONSUMED : DUPLICATE;
		}
		catch (InvocationTargetException ex) {
			Throwable error = ex.getTargetException();
			if (Responder.isRequest(message.getMessageProperties())) {
				// The requester is waiting: it gets the error now, and decides; nothing
				// is retried or dead-lettered.
				this.responder.replyError(delivery.topic(), message.getMessageProperties(), error);
				return new DeliveryOutcome(DeliveryOutcome.Kind.ANSWERED_WITH_ERROR,
						FailureReason.HANDLER_FAILED.code(), error);
			}
			return this.failures.failed(this.listener, message, delivery.origin(), attempt, error);
		}
	}

	/**
	 * Calls the method, through the inbox when the listener is idempotent, and answers a
	 * request with what it returned; false for a skipped duplicate.
	 */
	private boolean invoke(BusMessage<Object> message, MessageProperties properties) throws InvocationTargetException {
		if (!this.listener.idempotent() || message.messageId() == null) {
			answer(message.topic(), properties, this.listener.method().invoke(message));
			return true;
		}
		return this.inbox.process(this.listener.queue(), message.messageId(),
				() -> answer(message.topic(), properties, this.listener.method().invoke(message)));
	}

	private void answer(String topic, MessageProperties properties, Object result) {
		if (Responder.isRequest(properties)) {
			this.responder.reply(topic, properties, result);
		}
	}

	/**
	 * Gives a message that came without an id (an MQTT device's, a plain publisher's) one
	 * derived from its topic and body, before anything reads it: the inbox, the
	 * observation, a retry or the dead-letter queue then all see the same id, and a
	 * resend of the same message gets it again.
	 */
	private static void identify(Message message, String topic) {
		MessageProperties properties = message.getMessageProperties();
		if (properties.getMessageId() == null
				&& CloudEventsHeaders.read(properties.getHeaders(), CloudEventsHeaders.ID) == null) {
			properties.setMessageId(MessageIds.fromContent(topic, message.getBody()));
		}
	}

}

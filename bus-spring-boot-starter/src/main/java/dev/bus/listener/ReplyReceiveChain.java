package dev.bus.listener;

import java.util.function.Consumer;
import java.util.function.Supplier;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.util.function.SingletonSupplier;
import io.micrometer.observation.Observation;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.MessageRejectedException;
import dev.bus.observation.BusObservations;
import dev.bus.reply.ReplyReception;
import dev.bus.transport.WireCodec;
import dev.bus.transport.ConfirmedSender;
import dev.bus.failure.DeliveryOrigin;

/**
 * Takes each reply to this application's requests through the receive chain, as a message
 * of the request's topic delivered to no listener ({@link IncomingMessage#REPLY}): a
 * reply on a topic with per-message tokens must carry the responder's token (verified as
 * any message's: signature, subject = {@code user_id}, a {@code bus.publish} scope for
 * the topic), a reply on an encrypted topic is decrypted with the topic's keyset and
 * refused in clear; each reply is observed as a delivery ({@code bus.delivery}, listener
 * {@value IncomingMessage#REPLY}: its CONSUMER span continues the trace from the
 * responder's reply).
 */
public class ReplyReceiveChain implements ReplyReception {

	private static final DeliveryOutcome CONSUMED = new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null);

	private final Supplier<ReceiveChain> chain;

	private final BusObservations observations;

	/**
	 * @param chain the receive chain, asked for at the first reply: its elements (token
	 * verification, decryption) may depend on beans that depend on the publisher, which
	 * holds this
	 * @param observations where each reply is observed as a delivery to the listener
	 * {@value IncomingMessage#REPLY}
	 */
	public ReplyReceiveChain(Supplier<ReceiveChain> chain, BusObservations observations) {
		this.chain = SingletonSupplier.of(chain);
		this.observations = observations;
	}

	@Override
	public void receive(String topic, AMQP.BasicProperties properties, byte[] body, Consumer<byte[]> handler) {
		MessageProperties messageProperties = WireCodec.delivered(properties, null);
		// A reply comes through direct reply-to, which only the requester consumes: its
		// topic is the request's, its
		// publisher the user_id the broker verified.
		DeliveredMessage reply = new DeliveredMessage(IncomingMessage.REPLY, null, ConfirmedSender.DIRECT_REPLY_TO,
				new Message(body, messageProperties),
				DeliveryOrigin.firstDelivery(topic, messageProperties.getReceivedUserId()), 1);
		Observation observation = this.observations.deliveryStarted(reply);
		DeliveryOutcome outcome = CONSUMED;
		try {
			this.chain.get().apply(reply);
			handler.accept(reply.body());
		}
		catch (MessageRejectedException ex) {
			outcome = new DeliveryOutcome(DeliveryOutcome.Kind.REFUSED, ex.getReason(), ex);
			throw ex;
		}
		finally {
			reply.settle(outcome);
			BusObservations.deliverySettled(observation, outcome);
		}
	}

}

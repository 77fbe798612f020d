package dev.bus.reply;

import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;

import dev.bus.MessageRejectedException;

/**
 * What a reply goes through before it is decoded: the receive chain, as for a message of
 * the request's topic (the listener package's {@code ReplyReceiveChain}), so that its
 * per-message token is verified, its payload decrypted and its trace continued like any
 * message of that topic.
 */
@FunctionalInterface
public interface ReplyReception {

	/** Nothing: the reply's body is decoded as it arrived. */
	ReplyReception NONE = (topic, properties, body, handler) -> handler.accept(body);

	/**
	 * Passes the reply to {@code handler} with the body to decode, once every element
	 * accepted it.
	 * @param topic the request's topic, which the requester knows (not a header the
	 * responder could choose)
	 * @throws MessageRejectedException when an element refuses the reply; {@code handler}
	 * is then not called
	 */
	void receive(String topic, AMQP.BasicProperties properties, byte[] body, Consumer<byte[]> handler);

}

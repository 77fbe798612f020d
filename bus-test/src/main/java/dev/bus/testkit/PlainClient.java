package dev.bus.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * A client that knows nothing of Bus, as a service in another language or a hand-written
 * AMQP client is: it publishes JSON with the headers it is given and none of Bus's (no
 * message id, no token, no proof), with the application's own broker credentials. What
 * Bus does with such messages (a listener takes a plain message on its topic; one sent
 * straight into a listener's queue, around the bus exchange, is refused
 * {@code unauthenticated}) is what a test of it asserts.
 */
public final class PlainClient {

	/** How a message reaches the broker, or the in-process one. */
	@FunctionalInterface
	public interface Sending {

		void send(String exchange, String routingKey, Message message);

	}

	private final Sending sending;

	private final String busExchange;

	/**
	 * @param sending what publishes a message to an exchange with a routing key
	 * @param busExchange the bus exchange ({@code bus.exchange})
	 */
	public PlainClient(Sending sending, String busExchange) {
		this.sending = sending;
		this.busExchange = busExchange;
	}

	/** Publishes JSON on a topic of the bus exchange, without headers. */
	public void publish(String topic, String json) {
		publish(topic, json, Map.of());
	}

	/** Publishes JSON on a topic of the bus exchange, with these headers only. */
	public void publish(String topic, String json, Map<String, String> headers) {
		this.sending.send(this.busExchange, topic, message(json, headers));
	}

	/**
	 * Sends JSON straight into a queue through the default exchange, around the bus
	 * exchange and its topic scopes: what Bus's listeners must refuse.
	 */
	public void sendToQueue(String queue, String json) {
		this.sending.send("", queue, message(json, Map.of()));
	}

	private static Message message(String json, Map<String, String> headers) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		headers.forEach(properties::setHeader);
		return new Message(json.getBytes(StandardCharsets.UTF_8), properties);
	}

}

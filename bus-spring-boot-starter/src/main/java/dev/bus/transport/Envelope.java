package dev.bus.transport;

import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;

import dev.bus.core.BusHeaders;

/**
 * One serialised, sealed message ready for the wire: routing key, AMQP properties and
 * body. {@link WireCodec} maps it to and from a batch entry and writes what the wire adds
 * ({@code user_id}).
 *
 * @param topic routing key
 * @param messageId message id, for correlating returns and errors
 * @param properties AMQP properties, headers included
 * @param body serialised payload
 */
public record Envelope(String topic, String messageId, AMQP.BasicProperties properties, byte[] body) {

	/**
	 * This envelope parked in a routing rule's holding queue (whose binding key is
	 * {@code holdTopic}), as sealed for its own topic (encrypted and signed for it),
	 * which {@value BusHeaders#HELD_TOPIC} keeps for its release.
	 */
	public Envelope heldIn(String holdTopic) {
		Map<String, Object> headers = (this.properties.getHeaders() != null)
				? new HashMap<>(this.properties.getHeaders()) : new HashMap<>();
		headers.put(BusHeaders.HELD_TOPIC, this.topic);
		return new Envelope(holdTopic, this.messageId, this.properties.builder().headers(headers).build(), this.body);
	}

}

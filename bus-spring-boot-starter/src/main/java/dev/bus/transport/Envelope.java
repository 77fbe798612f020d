package dev.bus.transport;

import com.rabbitmq.client.AMQP;

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

}

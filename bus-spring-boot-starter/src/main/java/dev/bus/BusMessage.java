package dev.bus;

import java.time.Instant;
import java.util.Map;

/**
 * A delivered message with its metadata, for listener methods that declare a
 * {@code BusMessage<T>} parameter.
 *
 * @param payload the decoded payload
 * @param messageId {@code message_id} (or a CloudEvents {@code id} header); may be
 * {@code null} for plain AMQP publishers that set none
 * @param topic the topic (routing key) it was published to
 * @param type logical event type: the AMQP {@code type}, else a CloudEvents {@code type}
 * header, else the topic
 * @param source CloudEvents source; may be {@code null}
 * @param time publish time; may be {@code null}
 * @param partitionKey partition key; may be {@code null}
 * @param attempt delivery attempt, starting at 1
 * @param headers all headers, as strings
 * @param publisher the publisher its per-message token proved, or {@code null} on topics
 * without tokens
 * @param <T> payload type
 */
public record BusMessage<T>(T payload, String messageId, String topic, String type, String source, Instant time,
		String partitionKey, int attempt, Map<String, String> headers, VerifiedPublisher publisher) {

	/** A header value, or {@code null}. */
	public String header(String name) {
		return this.headers.get(name);
	}

}

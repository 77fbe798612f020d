package dev.bus.testkit;

import java.util.Map;

/**
 * One message the application published, as the harness saw it settle.
 *
 * @param <T> the payload's type
 * @param topic the topic it was published to (after the routing rules)
 * @param messageId its id
 * @param payload the payload as the application published it
 * @param headers the application's headers on it
 * @param error why the publish failed (a {@link dev.bus.BusPublishException} for a
 * refusal or a broker's nack), or {@code null} when the broker confirmed it
 */
public record PublishedMessage<T>(String topic, String messageId, T payload, Map<String, String> headers,
		Throwable error) {

	/** Whether the broker confirmed it. */
	public boolean confirmed() {
		return this.error == null;
	}

}

package dev.bus.testkit;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;

/**
 * One delivery of a message to one listener, and how it ended, as the harness saw it.
 *
 * @param listener the listener's id
 * @param group the listener's group
 * @param topic the topic the message was published to
 * @param messageId the message's id
 * @param attempt 1 for the first delivery, more for retries
 * @param kind how it ended
 * @param reason why it did not reach or pass the listener method (a dead-letter reason
 * such as {@code handler-failed} or {@code forbidden}, {@code filtered},
 * {@code duplicate}), or {@code null} when consumed
 * @param error the listener's or an element's exception, or {@code null}
 * @param message the message as the listener method got it, or {@code null} for one
 * refused before it was decoded
 */
public record Delivery(String listener, String group, String topic, String messageId, int attempt,
		DeliveryOutcome.Kind kind, String reason, Throwable error, BusMessage<?> message) {

	/**
	 * The payload the listener method got.
	 * @throws AssertionError when the message was refused before it was decoded, or its
	 * payload is not of that type
	 */
	public <T> T payload(Class<T> type) {
		if (this.message == null) {
			throw new AssertionError("The delivery of " + this.messageId + " to " + this.listener + " ended "
					+ kindName(this.kind) + " (" + this.reason + ") before its payload was decoded");
		}
		if (!type.isInstance(this.message.payload())) {
			throw new AssertionError("The payload of " + this.messageId + " is a "
					+ this.message.payload().getClass().getName() + ", not a " + type.getName());
		}
		return type.cast(this.message.payload());
	}

	static String kindName(DeliveryOutcome.Kind kind) {
		return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}

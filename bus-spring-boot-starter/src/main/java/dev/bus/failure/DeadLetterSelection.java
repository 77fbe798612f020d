package dev.bus.failure;

import java.util.Map;

import com.rabbitmq.client.AMQP;

import dev.bus.core.BusHeaders;

/**
 * Which dead letters a replay or a discard takes: each part given must match, none given
 * takes all. A group is the dead letters that failed for one reason, or with one
 * exception.
 *
 * @param messageId the message's id, or {@code null}
 * @param reason the failure reason Bus recorded ({@code handler-failed}...), or
 * {@code null}
 * @param exception the class name of what the listener threw, or {@code null}
 */
public record DeadLetterSelection(String messageId, String reason, String exception) {

	/** Takes every dead letter. */
	public static final DeadLetterSelection ALL = new DeadLetterSelection(null, null, null);

	/** Whether it names anything: a selection that does not takes every dead letter. */
	public boolean isEmpty() {
		return this.messageId == null && this.reason == null && this.exception == null;
	}

	boolean takes(AMQP.BasicProperties properties) {
		Map<String, Object> headers = (properties.getHeaders() != null) ? properties.getHeaders() : Map.of();
		return matches(this.messageId, properties.getMessageId())
				&& matches(this.reason, headers.get(BusHeaders.FAILURE_REASON))
				&& matches(this.exception, headers.get(BusHeaders.FAILURE_EXCEPTION));
	}

	private static boolean matches(String wanted, Object value) {
		return wanted == null || (value != null && wanted.equals(value.toString()));
	}

}

package dev.bus.failure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.LogValues;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.Envelope;
import dev.bus.BusPublishException;
import dev.bus.transport.WireCodec;

/**
 * Moves a failed message on: to a delay queue for its next attempt, or to its listener's
 * dead-letter queue, through the group's moves exchange and as this application's broker
 * user, with its verified origin recorded ({@link MoveHeaders}) and never inherited from
 * the sender. The failure is recorded in headers, and the broker's confirm is awaited
 * before the original is acked, so a message is never acked without a copy being safe.
 * The exception message is cut to a bounded length so a long message or stack trace
 * cannot exceed a frame, and is withheld when the listener threw it over an encrypted
 * message ({@link #failureMessage}). The attempt count travels in {@code bus-attempt},
 * maintained here rather than read from {@code x-death}, whose counting changed across
 * RabbitMQ versions.
 */
public class MessageMoves {

	/** Said in place of a listener's exception message over an encrypted message. */
	public static final String WITHHELD = "(withheld: the message is encrypted and the listener's exception "
			+ "message may quote it)";

	private final EnvelopeSender publisher;

	private final int maxMessageLength;

	public MessageMoves(EnvelopeSender publisher, int maxMessageLength) {
		this.publisher = publisher;
		this.maxMessageLength = maxMessageLength;
	}

	/**
	 * Publishes the dead letter and waits for its confirm.
	 * @throws NotStoredException when the broker did not confirm it
	 */
	public void deadLetter(ListenerQueues listener, Message message, DeliveryOrigin origin, int attempt, String reason,
			Throwable error) {
		publish(listener.deadLetterQueue(), listener, message, origin, attempt, reason, error);
	}

	/**
	 * Parks the message in the delay queue for its next attempt and waits for the
	 * confirm.
	 * @throws NotStoredException when the broker did not confirm it
	 */
	public void retry(ListenerQueues listener, Message message, DeliveryOrigin origin, int failedAttempt,
			Throwable error) {
		Duration delay = listener.retry().delayAfter(failedAttempt);
		publish(listener.retryQueue(delay), listener, message, origin, failedAttempt + 1,
				FailureReason.HANDLER_FAILED.code(), error);
	}

	private void publish(String queue, ListenerQueues listener, Message message, DeliveryOrigin origin, int attempt,
			String reason, Throwable error) {
		MessageProperties received = message.getMessageProperties();
		Map<String, Object> headers = MoveHeaders.of(received.getHeaders(), origin);
		String now = Instant.now().toString();
		headers.put(BusHeaders.FAILURE_REASON, reason);
		headers.put(BusHeaders.FAILURE_EXCEPTION, (error != null) ? error.getClass().getName() : "");
		headers.put(BusHeaders.FAILURE_MESSAGE, cut(failureMessage(received, reason, error)));
		headers.put(BusHeaders.ORIGINAL_QUEUE, listener.queue());
		headers.putIfAbsent(BusHeaders.FIRST_FAILURE_TIME, now);
		headers.put(BusHeaders.LAST_FAILURE_TIME, now);
		headers.put(BusHeaders.ATTEMPT, attempt);
		AMQP.BasicProperties properties = WireCodec.toSend(received)
			.builder()
			// sent as this application's broker user (the publisher stamps it); the first
			// publisher is in the headers
			.userId(null)
			.deliveryMode(2)
			.headers(headers)
			.build();
		String messageId = (received.getMessageId() != null) ? LogValues.escape(received.getMessageId()) : "(none)";
		Envelope deadLetter = new Envelope(queue, messageId, properties, message.getBody());
		try {
			this.publisher.sendAndAwait(listener.movesExchange(), deadLetter);
		}
		catch (BusPublishException ex) {
			throw new NotStoredException("broker did not confirm " + messageId + " to '" + queue + "'", ex);
		}
	}

	/**
	 * What a failure's message may say outside the application. A listener's exception
	 * often quotes what it was reading ({@code product sku-9 is not in the catalog}):
	 * over an encrypted message that would put the plaintext in the broker's dead-letter
	 * queue, in clear, and in the log, which encryption end to end promises never
	 * happens. So for a listener's failure on an encrypted message only the exception's
	 * class is kept (in {@code bus-failure-exception}); Bus's own refusals never quote a
	 * payload and are kept whole.
	 */
	public static String failureMessage(MessageProperties received, String reason, Throwable error) {
		if (error == null) {
			return "";
		}
		if (FailureReason.HANDLER_FAILED.code().equals(reason)
				&& received.getHeaders().containsKey(BusHeaders.ENCRYPTION)) {
			return WITHHELD;
		}
		return String.valueOf(error.getMessage());
	}

	private String cut(String text) {
		return (text.length() <= this.maxMessageLength) ? text : text.substring(0, this.maxMessageLength) + "...";
	}

	/**
	 * A failed message that could not be stored; the original must then be rejected, not
	 * acked.
	 */
	public static class NotStoredException extends RuntimeException {

		public NotStoredException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}

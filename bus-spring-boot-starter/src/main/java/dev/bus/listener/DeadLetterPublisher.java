package dev.bus.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.publisher.ConfirmingPublisher;
import dev.bus.publisher.Envelope;

/**
 * Moves a failed message to its listener's dead-letter queue with the failure recorded in headers, and waits
 * for the broker's confirm before the original is acked, so a message is never acked without a copy being safe.
 * The exception message is cut to a bounded length so a long message or stack trace cannot exceed a frame.
 */
public class DeadLetterPublisher {

	private final ConfirmingPublisher publisher;

	private final Duration confirmTimeout;

	private final int maxMessageLength;

	private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	public DeadLetterPublisher(ConfirmingPublisher publisher, Duration confirmTimeout, int maxMessageLength) {
		this.publisher = publisher;
		this.confirmTimeout = confirmTimeout;
		this.maxMessageLength = maxMessageLength;
	}

	/**
	 * Publishes the dead letter and waits for its confirm.
	 * @throws DeadLetterException when the broker did not confirm it
	 */
	public void publish(BusListenerDefinition listener, Message message, FailureReason reason, Throwable error) {
		MessageProperties received = message.getMessageProperties();
		Map<String, Object> headers = new HashMap<>(received.getHeaders());
		String now = Instant.now().toString();
		headers.put(BusHeaders.FAILURE_REASON, reason.code());
		headers.put(BusHeaders.FAILURE_EXCEPTION, (error != null) ? error.getClass().getName() : "");
		headers.put(BusHeaders.FAILURE_MESSAGE, cut((error != null) ? String.valueOf(error.getMessage()) : ""));
		headers.putIfAbsent(BusHeaders.ORIGINAL_TOPIC, received.getReceivedRoutingKey());
		headers.put(BusHeaders.ORIGINAL_QUEUE, listener.queue());
		headers.putIfAbsent(BusHeaders.FIRST_FAILURE_TIME, now);
		headers.put(BusHeaders.LAST_FAILURE_TIME, now);
		headers.putIfAbsent(BusHeaders.ATTEMPT, 1);
		AMQP.BasicProperties properties = this.converter.fromMessageProperties(received, "UTF-8")
			.builder()
			.deliveryMode(2)
			.headers(headers)
			.build();
		String messageId = (received.getMessageId() != null) ? received.getMessageId() : "(none)";
		Envelope deadLetter = new Envelope(listener.deadLetterQueue(), messageId, properties, message.getBody());
		try {
			this.publisher.publish("", deadLetter).get(this.confirmTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DeadLetterException("interrupted while dead-lettering " + messageId, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new DeadLetterException("broker did not confirm dead letter " + messageId + " to '"
					+ listener.deadLetterQueue() + "'", (ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	private String cut(String text) {
		return (text.length() <= this.maxMessageLength) ? text : text.substring(0, this.maxMessageLength) + "...";
	}

	/** A dead letter that could not be stored; the original must then be rejected, not acked. */
	public static class DeadLetterException extends RuntimeException {

		public DeadLetterException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}

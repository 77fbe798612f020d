package dev.bus.listener;

import java.util.List;

import org.springframework.amqp.core.Message;

import dev.bus.core.FailureReason;

/**
 * Traces deliveries: a span per logical message and attempt, continuing the publisher's trace from the message
 * headers, current while the handler runs (so what the handler publishes is its child). {@link #NONE} when
 * tracing is off.
 */
public interface DeliveryTracing {

	/** No tracing. */
	DeliveryTracing NONE = (listener, message, topic, attempt) -> DeliverySpan.NONE;

	DeliverySpan start(BusListenerDefinition listener, Message message, String topic, int attempt);

	/** A span for a whole batch delivery, linked to each logical message's context. */
	default DeliverySpan startBatch(BusListenerDefinition listener, List<Message> messages, String topic) {
		return DeliverySpan.NONE;
	}

	/** One delivery's span, current until {@link #close()}. */
	interface DeliverySpan extends AutoCloseable {

		/** Does nothing. */
		DeliverySpan NONE = new DeliverySpan() {
		};

		/** The handler failed; the message waits for another attempt. */
		default void retried(Throwable error) {
		}

		/** The message was dead-lettered for {@code reason}. */
		default void deadLettered(FailureReason reason, Throwable error) {
		}

		/** The message did not reach the handler: filtered out, or a duplicate the inbox skipped. */
		default void skipped(String why) {
		}

		/** Ends the span and restores the previous context. */
		@Override
		default void close() {
		}

	}

}

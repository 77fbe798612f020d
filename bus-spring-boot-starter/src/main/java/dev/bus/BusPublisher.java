package dev.bus;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes events to the bus.
 *
 * <p>
 * Every publish is persistent, mandatory and confirmed: the returned future completes
 * when the broker has taken responsibility for the message, and completes exceptionally
 * with a {@link BusPublishException} when the broker nacks it, when no queue is bound for
 * its topic (the message would otherwise be silently dropped), when the connection is
 * lost before the confirm, or when no confirm arrives within
 * {@code bus.publisher.confirm-timeout}. Callers that need a synchronous send simply
 * {@code join()} the future.
 */
public interface BusPublisher {

	/**
	 * Publishes a payload (serialised as JSON) to a topic, with a new message id and the
	 * topic as event type.
	 * @param topic concrete topic, the routing key, e.g. {@code orders.created}; no
	 * wildcards
	 * @param payload the event; must be serialisable to JSON
	 */
	default CompletableFuture<PublishReceipt> publish(String topic, Object payload) {
		return publish(OutboundMessage.builder(topic, payload).build());
	}

	/**
	 * Publishes a message with explicit metadata: message id, event type, partition key,
	 * subject and headers.
	 */
	CompletableFuture<PublishReceipt> publish(OutboundMessage message);

	/**
	 * Asks a question: publishes a request to a topic and returns the reply of the
	 * {@code @BusListener} that answers it (a listener method that returns a value),
	 * decoded as {@code replyType}. One listener answers (the group that takes the
	 * message); the reply comes back over RabbitMQ's direct reply-to, with no queue per
	 * request.
	 * @return a future of the reply, failed with {@link BusRequestException} when there
	 * is none
	 */
	default <R> CompletableFuture<R> request(String topic, Object payload, Class<R> replyType, Duration timeout) {
		return request(OutboundMessage.builder(topic, payload).build(), replyType, timeout);
	}

	/**
	 * Asks a question with explicit metadata; see
	 * {@link #request(String, Object, Class, Duration)}. Bus's publishers implement it; a
	 * publisher of the application's own (a test double, say) need not.
	 */
	default <R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout) {
		return CompletableFuture
			.failedFuture(new UnsupportedOperationException(getClass().getName() + " does not send requests"));
	}

}

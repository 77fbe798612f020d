package dev.bus;

/**
 * A publish that the broker did not confirm. The message may or may not have reached a
 * queue only in the {@link Reason#TIMEOUT} and {@link Reason#CONNECTION_LOST} cases;
 * callers that must not lose it republish it (the consumer side tolerates duplicates by
 * message id when the listener opts in to the inbox).
 */
public class BusPublishException extends RuntimeException {

	/** Why the publish failed. */
	public enum Reason {

		/** The broker refused the message (basic.nack). */
		NACKED,
		/** No queue is bound for the topic: the broker returned the mandatory message. */
		UNROUTABLE,
		/** No confirm arrived within the confirm timeout. */
		TIMEOUT,
		/**
		 * The channel or connection closed before the confirm arrived, or could not be
		 * opened.
		 */
		CONNECTION_LOST,
		/**
		 * The serialised message is larger than {@code bus.publisher.max-message-size}.
		 */
		OVERSIZE,
		/** The payload could not be serialised. */
		SERIALIZATION_FAILED,
		/** The publisher is shut down. */
		CLOSED,
		/** Published to the outbox in a transaction that rolled back: nothing is sent. */
		ROLLED_BACK,
		/** A {@link PublishPostProcessor} refused the message: nothing is sent. */
		REJECTED,
		/**
		 * The broker does not let this application publish to the topic: its token has no
		 * write scope for it. Nothing is sent when Bus knows it in advance; otherwise the
		 * broker refused it.
		 */
		FORBIDDEN

	}

	private final Reason reason;

	private final String topic;

	private final String messageId;

	public BusPublishException(Reason reason, String topic, String messageId, String detail, Throwable cause) {
		super("Publish of message " + messageId + " to topic '" + topic + "' failed (" + reason + "): " + detail,
				cause);
		this.reason = reason;
		this.topic = topic;
		this.messageId = messageId;
	}

	public Reason getReason() {
		return this.reason;
	}

	public String getTopic() {
		return this.topic;
	}

	public String getMessageId() {
		return this.messageId;
	}

}

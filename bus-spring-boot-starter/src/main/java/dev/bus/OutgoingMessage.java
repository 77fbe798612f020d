package dev.bus;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A message on its way to the broker, as {@link PublishPostProcessor}s see it: the
 * envelope Bus built, open for changes until the chain has run.
 */
public interface OutgoingMessage {

	/** The topic (routing key). */
	String topic();

	/** The message id ({@code message_id}). */
	String messageId();

	/** The logical event type ({@code type}). */
	String type();

	/** When the message was published ({@code timestamp}). */
	Instant timestamp();

	/**
	 * The headers, modifiable; values are strings, numbers or booleans so any AMQP client
	 * can read them.
	 */
	Map<String, Object> headers();

	/** The body as it will be sent. */
	byte[] body();

	/** Replaces the body. */
	void setBody(byte[] body);

	/** The content type, {@code application/json} unless an element changed it. */
	String contentType();

	void setContentType(String contentType);

	/**
	 * Runs {@code callback} once the publish is settled: with {@code null} on the
	 * broker's confirm (or the outbox's commit), else with the failure, also when a later
	 * element rejects the message.
	 */
	void onSettled(Consumer<Throwable> callback);

}

package dev.bus;

import java.time.Instant;
import java.util.function.Consumer;

import org.springframework.amqp.core.MessageProperties;

/**
 * A delivered message, as {@link ReceivePostProcessor}s see it before its payload is
 * decoded.
 */
public interface IncomingMessage {

	/**
	 * The {@link #listenerId()} of a reply to one of this application's requests. A reply
	 * goes through the receive chain as a message of the request's topic
	 * ({@link #topic()}), so its token is checked and its payload decrypted like any
	 * message of that topic.
	 */
	String REPLY = "reply";

	/**
	 * The topic it was published to, as verified: the routing key it was delivered with
	 * from the bus exchange, or what this application recorded when it moved the message
	 * on (a retry, a replay). Never taken from a header another sender wrote.
	 */
	String topic();

	/**
	 * The broker user that published it, as the broker verified it ({@code user_id}, or
	 * what this application recorded when it moved the message on); {@code null} when the
	 * publisher set none.
	 */
	String brokerUser();

	/**
	 * When this application first received it: now, on a first delivery; on one of its
	 * own moves (a retry, a replay), the time it recorded when it first moved it. Never a
	 * time a sender wrote.
	 */
	Instant receivedAt();

	/**
	 * {@code message_id} (or a CloudEvents {@code id} header); {@code null} when a plain
	 * AMQP publisher set none.
	 */
	String messageId();

	/** Delivery attempt, starting at 1. */
	int attempt();

	/**
	 * The id of the {@code @BusListener} it is delivered to; {@value #REPLY} for a reply
	 * to a request.
	 */
	String listenerId();

	/** The listener's group; {@code null} for a reply. */
	String group();

	/** The queue it was consumed from. */
	String queue();

	/** The AMQP properties and headers, modifiable. */
	MessageProperties properties();

	/** The body as received (or as an earlier element left it). */
	byte[] body();

	/** Replaces the body the payload is decoded from. */
	void setBody(byte[] body);

	/**
	 * Replaces a header's value as the listener sees it ({@code BusMessage.headers()},
	 * filters), the way {@link #setBody} replaces the body: retries and dead letters
	 * carry the header as received.
	 */
	void setHeader(String name, String value);

	/** The publisher a per-message token proved, or {@code null} when none did (yet). */
	VerifiedPublisher verifiedPublisher();

	/**
	 * Records the publisher an element verified; listeners get it in
	 * {@link BusMessage#publisher()}.
	 */
	void setVerifiedPublisher(VerifiedPublisher publisher);

	/**
	 * Runs {@code callback} on the listener's thread once the delivery is settled:
	 * handled, filtered out, skipped as a duplicate, parked for a retry or dead-lettered
	 * (also when a later element rejected it).
	 */
	void onSettled(Consumer<DeliveryOutcome> callback);

}

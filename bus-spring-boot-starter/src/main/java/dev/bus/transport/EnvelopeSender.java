package dev.bus.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;

/**
 * Where sealed envelopes leave the application: the seam between Bus's publish side
 * (routing, the envelope, the publish chain, signing) and the transport.
 * {@link ConfirmedSender} sends over AMQP with publisher confirms; a second
 * implementation (an in-process transport for tests) plugs in here by being the bean of
 * this type.
 *
 * <p>
 * A sender only sends: it does not check scopes, remember topics or rewrite what the
 * publish side sealed. It writes what the wire itself requires (the broker user the
 * transport authenticated as, {@code user_id}).
 */
public interface EnvelopeSender {

	/**
	 * Sends an envelope to an exchange, with the envelope's topic as routing key
	 * (mandatory: a message no queue takes fails). On the bus exchange the routing key is
	 * a topic; on the default exchange or a listener group's moves exchange it names a
	 * queue.
	 * @return a future completed when the transport has the message safe (the broker's
	 * confirm), failed with {@link BusPublishException} otherwise
	 */
	CompletableFuture<Void> send(String exchange, Envelope envelope);

	/** Sends not yet settled. */
	int pendingCount();

	/**
	 * Stops accepting sends, waits up to {@code timeout} for the pending ones to settle,
	 * then lets go.
	 */
	void close(Duration timeout);

}

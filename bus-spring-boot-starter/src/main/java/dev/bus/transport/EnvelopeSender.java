package dev.bus.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;

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
	 * Sends an envelope to an exchange, with the envelope's topic as routing key.
	 * @see #send(String, String, Envelope)
	 */
	default CompletableFuture<Void> send(String exchange, Envelope envelope) {
		return send(exchange, envelope.topic(), envelope);
	}

	/**
	 * Sends an envelope to an exchange with a routing key (mandatory: a message no queue
	 * takes fails). On the bus exchange the routing key is the envelope's topic; on the
	 * default exchange or a listener group's moves exchange it names a queue (a reply's
	 * requester, a holding queue, a delay queue).
	 * @return a future completed when the transport has the message safe (the broker's
	 * confirm), failed with {@link BusPublishException} otherwise
	 */
	CompletableFuture<Void> send(String exchange, String routingKey, Envelope envelope);

	/**
	 * Sends an envelope and waits until the send is settled: for the moves that must be
	 * safe before the message they copy is acknowledged (a retry, a dead letter, a
	 * replay, a release). The wait ends by {@link #settleTimeout()} at the latest, even
	 * if the transport never answers.
	 * @throws BusPublishException when the send failed, did not settle in time, or the
	 * wait was interrupted ({@link Reason#CLOSED}, with the thread's interrupt flag set)
	 */
	default void sendAndAwait(String exchange, Envelope envelope) {
		CompletableFuture<Void> sent = send(exchange, envelope);
		try {
			sent.get(settleTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BusPublishException(Reason.CLOSED, envelope.topic(), envelope.messageId(),
					"interrupted while waiting for the confirm", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof BusPublishException failed) {
				throw failed;
			}
			throw new BusPublishException(Reason.CONNECTION_LOST, envelope.topic(), envelope.messageId(),
					String.valueOf(ex.getCause()), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new BusPublishException(Reason.TIMEOUT, envelope.topic(), envelope.messageId(),
					"not settled within " + settleTimeout().toMillis() + " ms", ex);
		}
	}

	/**
	 * The longest a send takes to settle, confirmed or failed; {@link #sendAndAwait}
	 * waits no longer.
	 */
	Duration settleTimeout();

	/** Sends not yet settled. */
	int pendingCount();

	/**
	 * Stops accepting sends, waits up to {@code timeout} for the pending ones to settle,
	 * then lets go.
	 */
	void close(Duration timeout);

}

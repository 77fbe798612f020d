package dev.bus.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.transport.Envelope;
import dev.bus.transport.EnvelopeSender;

/**
 * An {@link EnvelopeSender} without a broker, for unit tests of what Bus sends: it
 * records every send and confirms it at once, or, after {@link #refuseAll}, fails it as a
 * nacked publish.
 */
public final class RecordingSender implements EnvelopeSender {

	/** A send the code under test made. */
	public record Sent(String exchange, String routingKey, Envelope envelope) {

		public Object header(String name) {
			return (this.envelope.properties().getHeaders() != null) ? this.envelope.properties().getHeaders().get(name)
					: null;
		}

	}

	private final List<Sent> sent = new CopyOnWriteArrayList<>();

	private volatile boolean refuse;

	@Override
	public CompletableFuture<Void> send(String exchange, String routingKey, Envelope envelope) {
		this.sent.add(new Sent(exchange, routingKey, envelope));
		if (this.refuse) {
			return CompletableFuture.failedFuture(new BusPublishException(Reason.NACKED, envelope.topic(),
					envelope.messageId(), "the broker nacked the message", null));
		}
		return CompletableFuture.completedFuture(null);
	}

	/** From now on every send fails as nacked. */
	public void refuseAll() {
		this.refuse = true;
	}

	public List<Sent> sent() {
		return List.copyOf(this.sent);
	}

	@Override
	public Duration settleTimeout() {
		return Duration.ofSeconds(1);
	}

	@Override
	public int pendingCount() {
		return 0;
	}

	@Override
	public void close(Duration timeout) {
	}

}

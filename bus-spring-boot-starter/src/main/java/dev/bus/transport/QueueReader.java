package dev.bus.transport;

import java.io.IOException;

import com.rabbitmq.client.AMQP;

/**
 * Reads a queue's messages without a consumer: what a dead-letter replay and a hold's
 * release do. The seam where a transport other than AMQP (the test kit's in-process one)
 * plugs in, as {@link EnvelopeSender} is for sends; {@link ChannelQueueReader} reads over
 * a channel of its own.
 */
public interface QueueReader {

	/** Messages ready in a queue. */
	long count(String queue) throws IOException;

	/**
	 * Reads a queue in one session: each message taken stays the session's until it is
	 * acknowledged; what is taken and not acknowledged when the session ends goes back to
	 * the queue, in order, and is ready again when this returns (a count or a read that
	 * follows sees it).
	 */
	<T> T read(String queue, Reading<T> reading) throws IOException;

	/** What a session does with the queue. */
	@FunctionalInterface
	interface Reading<T> {

		T read(Session session) throws IOException;

	}

	/** One reading session of a queue. */
	interface Session {

		/** Messages ready in the queue (those taken not counted). */
		long count() throws IOException;

		/** The next message, or {@code null} when the queue has none ready. */
		Taken take() throws IOException;

		/** Removes a taken message from the queue for good. */
		void ack(Taken message) throws IOException;

	}

	/**
	 * A message taken from a queue: as it was published to it, and where it was published
	 * to.
	 */
	record Taken(long tag, String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {

		/** The envelope of a delivery, for {@link WireCodec#delivered}. */
		public com.rabbitmq.client.Envelope envelope() {
			return new com.rabbitmq.client.Envelope(this.tag, false, this.exchange, this.routingKey);
		}

	}

}

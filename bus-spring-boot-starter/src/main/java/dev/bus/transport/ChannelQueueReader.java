package dev.bus.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Reads queues over AMQP: a session is a channel of its own, {@code basic.get} without
 * auto-ack. What was taken and not acknowledged is rejected with requeue when the session
 * ends: closing the channel would not return it, since the connection factory caches
 * channels rather than closing them.
 *
 * <p>
 * A reject has no reply: a quorum queue applies it once its Raft log commits it, and a
 * count or read on another channel can come first and miss the returned messages (an
 * operator's discard right after a listing removed nothing: found by a fresh-clone run).
 * So a session ends once the queue counts them ready again, or after
 * {@link #SETTLE_TIMEOUT} when other readers take them meanwhile.
 */
public class ChannelQueueReader implements QueueReader {

	/** How long the end of a session waits for what it returned to be ready again. */
	static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(ChannelQueueReader.class);

	private final ConnectionFactory connectionFactory;

	public ChannelQueueReader(ConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	@Override
	public long count(String queue) throws IOException {
		return read(queue, Session::count);
	}

	@Override
	public <T> T read(String queue, Reading<T> reading) throws IOException {
		try (Connection connection = this.connectionFactory.createConnection();
				Channel channel = connection.createChannel(false)) {
			ChannelSession session = new ChannelSession(channel, queue, new ArrayList<>());
			try {
				return reading.read(session);
			}
			finally {
				session.requeueUnacknowledged();
			}
		}
		catch (TimeoutException ex) {
			throw new IOException("Timed out closing the channel reading '" + queue + "'", ex);
		}
	}

	private record ChannelSession(Channel channel, String queue, List<Long> unacknowledged) implements Session {

		@Override
		public long count() throws IOException {
			return this.channel.messageCount(this.queue);
		}

		@Override
		public Taken take() throws IOException {
			GetResponse response = this.channel.basicGet(this.queue, false);
			if (response == null) {
				return null;
			}
			com.rabbitmq.client.Envelope envelope = response.getEnvelope();
			this.unacknowledged.add(envelope.getDeliveryTag());
			return new Taken(envelope.getDeliveryTag(), envelope.getExchange(), envelope.getRoutingKey(),
					response.getProps(), response.getBody());
		}

		@Override
		public void ack(Taken message) throws IOException {
			this.channel.basicAck(message.tag(), false);
			this.unacknowledged.remove(Long.valueOf(message.tag()));
		}

		void requeueUnacknowledged() throws IOException {
			if (this.unacknowledged.isEmpty()) {
				return;
			}
			long expected = this.channel.messageCount(this.queue) + this.unacknowledged.size();
			for (long tag : this.unacknowledged) {
				this.channel.basicReject(tag, true);
			}
			this.unacknowledged.clear();
			awaitReady(expected, SETTLE_TIMEOUT);
		}

		private void awaitReady(long expected, Duration timeout) throws IOException {
			long deadline = System.nanoTime() + timeout.toNanos();
			long pause = 1;
			while (this.channel.messageCount(this.queue) < expected) {
				if (System.nanoTime() - deadline > 0) {
					logger.debug("Queue '" + this.queue + "' did not count " + expected + " ready within " + timeout
							+ " of a reading session's end (read or taken meanwhile)");
					return;
				}
				try {
					Thread.sleep(pause);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				pause = Math.min(pause * 2, 50);
			}
		}

	}

}

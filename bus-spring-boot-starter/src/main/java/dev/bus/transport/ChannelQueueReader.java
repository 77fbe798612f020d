package dev.bus.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Reads queues over AMQP: a session is a channel of its own, {@code basic.get} without
 * auto-ack. What was taken and not acknowledged is rejected with requeue when the session
 * ends: closing the channel would not return it, since the connection factory caches
 * channels rather than closing them.
 */
public class ChannelQueueReader implements QueueReader {

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
			for (long tag : this.unacknowledged) {
				this.channel.basicReject(tag, true);
			}
			this.unacknowledged.clear();
		}

	}

}

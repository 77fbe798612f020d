package dev.bus.testkit.inprocess;

import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.testkit.broker.InProcessBroker;
import dev.bus.transport.QueueReader;
import dev.bus.transport.WireCodec;

/**
 * Bus's queue-reading seam (dead-letter replays, hold releases) over the
 * {@link InProcessBroker}: a session takes messages without acknowledging them, and
 * returns those not acknowledged when it ends, as closing a channel does.
 */
class InProcessQueueReader implements QueueReader {

	private final InProcessBroker broker;

	InProcessQueueReader(InProcessBroker broker) {
		this.broker = broker;
	}

	@Override
	public long count(String queue) {
		return this.broker.messageCount(queue);
	}

	@Override
	public <T> T read(String queue, Reading<T> reading) throws java.io.IOException {
		List<Long> taken = new ArrayList<>();
		try {
			return reading.read(new Session() {

				@Override
				public long count() {
					return InProcessQueueReader.this.broker.messageCount(queue);
				}

				@Override
				public Taken take() {
					Message message = InProcessQueueReader.this.broker.take(queue);
					if (message == null) {
						return null;
					}
					MessageProperties properties = message.getMessageProperties();
					taken.add(properties.getDeliveryTag());
					return new Taken(properties.getDeliveryTag(), properties.getReceivedExchange(),
							properties.getReceivedRoutingKey(), asPublished(properties), message.getBody());
				}

				@Override
				public void ack(Taken message) {
					taken.remove(Long.valueOf(message.tag()));
					InProcessQueueReader.this.broker.ack(message.tag());
				}

			});
		}
		finally {
			this.broker.requeue(taken);
		}
	}

	/**
	 * The AMQP properties the message was published with, its {@code user_id} included.
	 */
	private static AMQP.BasicProperties asPublished(MessageProperties delivered) {
		AMQP.BasicProperties properties = WireCodec.toSend(delivered);
		return (delivered.getReceivedUserId() != null)
				? properties.builder().userId(delivered.getReceivedUserId()).build() : properties;
	}

}

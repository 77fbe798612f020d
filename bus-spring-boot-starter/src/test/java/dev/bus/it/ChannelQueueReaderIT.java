package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.transport.ChannelQueueReader;
import dev.bus.transport.QueueReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a queue without a consumer, as replays and releases do, through the caching
 * connection factory an application has: what a session took and did not acknowledge is
 * ready in the queue again as soon as the session ends (the factory keeps the channel
 * open, so closing it would not return them), for a count on another connection too. The
 * queue is a quorum queue, as dead-letter and hold queues are: it applies a reject once
 * its log commits it, and a count right after a session that did not wait for it missed
 * the returned messages (a discard after a listing removed nothing).
 */
class ChannelQueueReaderIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@Test
	void whatASessionTookAndDidNotAcknowledgeIsReadyAgainWhenItEnds() throws Exception {
		String queue = BusContexts.uniqueName("bus-reader");
		this.cleanup.queue(queue);
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory(Rabbit.HOST, Rabbit.PORT);
		try (Rabbit rabbit = Rabbit.connect()) {
			rabbit.channel().queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
			for (String id : List.of("m-1", "m-2", "m-3")) {
				rabbit.publish("", queue, new AMQP.BasicProperties.Builder().messageId(id).build(),
						id.getBytes(StandardCharsets.UTF_8));
			}
			QueueReader reader = new ChannelQueueReader(connectionFactory);
			assertThat(reader.count(queue)).isEqualTo(3);

			List<String> taken = reader.read(queue, (session) -> {
				List<String> ids = new ArrayList<>();
				QueueReader.Taken message;
				while ((message = session.take()) != null) {
					ids.add(message.properties().getMessageId());
					if ("m-2".equals(message.properties().getMessageId())) {
						session.ack(message);
					}
				}
				return ids;
			});

			assertThat(taken).containsExactly("m-1", "m-2", "m-3");
			assertThat(rabbit.messageCount(queue)).as("m-1 and m-3, ready at once").isEqualTo(2);
			String first = reader.read(queue, (session) -> session.take().properties().getMessageId());
			assertThat(first).as("in their order").isEqualTo("m-1");
			for (int session = 1; session <= 20; session++) {
				reader.read(queue, (reading) -> {
					while (reading.take() != null) {
						// taken and left unacknowledged
					}
					return null;
				});
				assertThat(rabbit.messageCount(queue)).as("ready again after session %d", session).isEqualTo(2);
			}
		}
		finally {
			connectionFactory.destroy();
		}
	}

}

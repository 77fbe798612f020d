package dev.bus.publisher;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * Declares the bus exchange (durable topic, idempotently) whenever the publisher connection opens, so an
 * application that only publishes, with no listener to declare the topology, never publishes to a missing
 * exchange (which the broker answers by closing the channel).
 */
public class ExchangeDeclarer implements ConnectionListener {

	private static final Log logger = LogFactory.getLog(ExchangeDeclarer.class);

	private final String exchange;

	public ExchangeDeclarer(String exchange) {
		this.exchange = exchange;
	}

	@Override
	public void onCreate(Connection connection) {
		try (Channel channel = connection.createChannel(false)) {
			channel.exchangeDeclare(this.exchange, "topic", true);
		}
		catch (IOException | TimeoutException | RuntimeException ex) {
			logger.error("Could not declare exchange '" + this.exchange + "': " + ex.getMessage(), ex);
		}
	}

}

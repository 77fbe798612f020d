package dev.bus.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import dev.bus.autoconfigure.BusProperties.QueueType;

/**
 * The exchanges, queues and bindings Bus needs, declared through a {@link RabbitAdmin} of its own whenever a
 * connection opens, so the topology comes back after a broker restart and an app started with the broker down
 * declares it once the broker is up.
 *
 * <p>Per listener: the group queue (quorum with a delivery limit, or classic; single active consumer when
 * ordered; exclusive and auto-deleted when broadcast) dead-lettering to {@code <queue>.dlq} via the default
 * exchange, the DLQ itself, one classic delay queue per retry delay (TTL, dead-lettering back to the group
 * queue), and the binding from the bus exchange, through a headers exchange when the listener filters on headers
 * at the broker.
 */
public class BusTopology implements ConnectionListener {

	private static final Log logger = LogFactory.getLog(BusTopology.class);

	private final RabbitAdmin admin;

	private final TopicExchange exchange;

	private final QueueType queueType;

	private final int deliveryLimit;

	private final List<Declarable> declarables = new ArrayList<>();

	public BusTopology(RabbitAdmin admin, String exchange, QueueType queueType, int deliveryLimit) {
		this.admin = admin;
		this.exchange = (TopicExchange) ExchangeBuilder.topicExchange(exchange).durable(true).build();
		this.queueType = queueType;
		this.deliveryLimit = deliveryLimit;
		this.declarables.add(this.exchange);
	}

	/** Adds a listener's queues and bindings. */
	public synchronized void addListener(BusListenerDefinition listener) {
		Queue deadLetterQueue = durable(listener.deadLetterQueue()).build();
		QueueBuilder builder = listener.broadcast() ? QueueBuilder.nonDurable(listener.queue()).exclusive().autoDelete()
				: durable(listener.queue());
		builder.deadLetterExchange("").deadLetterRoutingKey(listener.deadLetterQueue());
		if (!listener.broadcast() && this.queueType == QueueType.QUORUM) {
			builder.deliveryLimit(this.deliveryLimit);
		}
		if (listener.ordered()) {
			builder.singleActiveConsumer();
		}
		Queue queue = builder.build();
		this.declarables.add(deadLetterQueue);
		this.declarables.add(queue);
		// Delay queues: a message sits out its TTL, then the broker dead-letters it back to the listener's queue.
		// One queue per delay, so every message in a queue expires in arrival order.
		for (Duration delay : listener.retry().levels()) {
			this.declarables.add(QueueBuilder.durable(listener.retryQueue(delay))
				.ttl((int) delay.toMillis())
				.deadLetterExchange("")
				.deadLetterRoutingKey(listener.queue())
				.build());
		}
		String pattern = listener.topic().toString();
		if (listener.headers().isEmpty()) {
			this.declarables.add(BindingBuilder.bind(queue).to(this.exchange).with(pattern));
		}
		else {
			HeadersExchange filter = (HeadersExchange) ExchangeBuilder.headersExchange(listener.headersExchange())
				.durable(!listener.broadcast())
				.autoDelete()
				.build();
			this.declarables.add(filter);
			this.declarables.add(BindingBuilder.bind(filter).to(this.exchange).with(pattern));
			Map<String, Object> match = new HashMap<>(listener.headers());
			this.declarables.add(BindingBuilder.bind(queue).to(filter).whereAll(match).match());
		}
	}

	private QueueBuilder durable(String name) {
		QueueBuilder builder = QueueBuilder.durable(name);
		return (this.queueType == QueueType.QUORUM) ? builder.quorum() : builder;
	}

	/**
	 * Declares everything now. Returns false when the broker cannot be reached; a declaration the broker refuses
	 * (say, an existing queue with other arguments) is logged with its name and the rest still declared.
	 *
	 * <p>Declares from a copy, outside this object's lock. It runs as a connection listener, inside a connection
	 * factory's connection lock: spring-amqp also registers it on the publisher connection factory, and declaring
	 * takes the main factory's lock. Holding this object's lock meanwhile deadlocked a listener reconnecting
	 * (main factory's lock, then this) against a publisher reconnecting (this, then the main factory's lock)
	 * after a broker restart. Declarations are idempotent, so two running at once do no harm.
	 */
	public boolean declare() {
		List<Declarable> snapshot;
		synchronized (this) {
			snapshot = List.copyOf(this.declarables);
		}
		boolean complete = true;
		for (Declarable declarable : snapshot) {
			try {
				if (declarable instanceof Exchange exchange) {
					this.admin.declareExchange(exchange);
				}
				else if (declarable instanceof Queue queue) {
					this.admin.declareQueue(queue);
				}
				else if (declarable instanceof Binding binding) {
					this.admin.declareBinding(binding);
				}
			}
			catch (AmqpConnectException ex) {
				logger.warn("Broker unreachable (" + ex.getMessage()
						+ "); the bus topology is declared when the connection opens");
				return false;
			}
			catch (AmqpException ex) {
				logger.error("Broker refused to declare " + declarable + ": " + ex.getMessage(), ex);
				complete = false;
			}
		}
		return complete;
	}

	@Override
	public void onCreate(Connection connection) {
		declare();
	}

	public String exchangeName() {
		return this.exchange.getName();
	}

}

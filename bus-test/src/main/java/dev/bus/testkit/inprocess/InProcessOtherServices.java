package dev.bus.testkit.inprocess;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

import dev.bus.testkit.broker.InProcessBroker;
import dev.bus.testkit.security.OtherServices;
import dev.bus.transport.EnvelopeSender;

/**
 * Other services in the {@link InProcessBroker}: each sends as its own broker user, and
 * consumes through a queue of its own per topic pattern, {@code <service>.<pattern>},
 * bound to the bus exchange and kept to {@value #MAX_LENGTH} messages: read by the
 * handler the test gave (answering requests), or by nobody (it then only makes the
 * application's publishes routable).
 */
final class InProcessOtherServices implements OtherServices.Transport {

	static final int MAX_LENGTH = 10_000;

	private final InProcessBroker broker;

	private final String exchange;

	/** The consumer of each queue that has one, by queue. */
	private final Map<String, String> consumers = new ConcurrentHashMap<>();

	InProcessOtherServices(InProcessBroker broker, String exchange) {
		this.broker = broker;
		this.exchange = exchange;
	}

	@Override
	public EnvelopeSender senderFor(String brokerUser) {
		return new InProcessSender(this.broker, brokerUser, (properties, body) -> {
			// another service's requests are not answered here
		});
	}

	@Override
	public void bindConsumer(String service, String topicPattern) {
		queue(service, topicPattern);
	}

	@Override
	public void consume(String service, String topicPattern, Consumer<Message> handler) {
		String queue = queue(service, topicPattern);
		String replaced = this.consumers.put(queue, this.broker.consume(queue, 1, (message, deliveryTag) -> {
			try {
				handler.accept(message);
			}
			finally {
				this.broker.ack(deliveryTag);
			}
		}));
		if (replaced != null) {
			this.broker.cancel(replaced, Duration.ofSeconds(1));
		}
	}

	private String queue(String service, String topicPattern) {
		Queue queue = QueueBuilder.nonDurable(service + "." + topicPattern).maxLength(MAX_LENGTH).build();
		Binding binding = BindingBuilder.bind(queue).to(new TopicExchange(this.exchange)).with(topicPattern);
		this.broker.declare(queue);
		this.broker.declare(binding);
		return queue.getName();
	}

}

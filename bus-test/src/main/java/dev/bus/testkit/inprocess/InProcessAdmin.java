package dev.bus.testkit.inprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.ListableBeanFactory;

import dev.bus.testkit.broker.InProcessBroker;

/**
 * Bus's admin over the in-process broker: declares what Bus's topology registers, and the
 * application's own {@link Declarable} beans, into the {@link InProcessBroker} instead of
 * on a connection. Exchanges first, then queues, then bindings, as spring-amqp's admin
 * does.
 */
class InProcessAdmin extends RabbitAdmin {

	private final InProcessBroker broker;

	private final ListableBeanFactory beans;

	InProcessAdmin(ConnectionFactory connectionFactory, InProcessBroker broker, ListableBeanFactory beans) {
		super(connectionFactory);
		this.broker = broker;
		this.beans = beans;
	}

	@Override
	public void initialize() {
		List<Declarable> all = new ArrayList<>(this.beans.getBeansOfType(Declarable.class, false, false).values());
		this.beans.getBeansOfType(Declarables.class, false, false)
			.values()
			.forEach((declarables) -> all.addAll(declarables.getDeclarables()));
		all.stream().filter(Exchange.class::isInstance).forEach(this.broker::declare);
		all.stream().filter(Queue.class::isInstance).forEach(this.broker::declare);
		all.stream().filter(Binding.class::isInstance).forEach(this.broker::declare);
	}

	@Override
	public void declareExchange(Exchange exchange) {
		this.broker.declare(exchange);
	}

	@Override
	public String declareQueue(Queue queue) {
		this.broker.declare(queue);
		return queue.getName();
	}

	@Override
	public void declareBinding(Binding binding) {
		this.broker.declare(binding);
	}

	@Override
	public boolean deleteQueue(String queueName) {
		boolean existed = this.broker.queueExists(queueName);
		this.broker.deleteQueue(queueName);
		return existed;
	}

	@Override
	public boolean deleteExchange(String exchangeName) {
		boolean existed = this.broker.exchangeExists(exchangeName);
		this.broker.deleteExchange(exchangeName);
		return existed;
	}

	@Override
	public Properties getQueueProperties(String queueName) {
		if (!this.broker.queueExists(queueName)) {
			return null;
		}
		Properties properties = new Properties();
		properties.put(QUEUE_NAME, queueName);
		properties.put(QUEUE_MESSAGE_COUNT, this.broker.messageCount(queueName));
		properties.put(QUEUE_CONSUMER_COUNT, 0);
		return properties;
	}

}

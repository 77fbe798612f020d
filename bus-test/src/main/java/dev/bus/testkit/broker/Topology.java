package dev.bus.testkit.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;

/**
 * The in-process broker's exchanges, queues and bindings, and where a message goes: its
 * declarations as RabbitMQ takes them and its routing (exchange types,
 * exchange-to-exchange bindings, the default and alternate exchanges). Not thread-safe:
 * the broker's lock guards it.
 */
final class Topology {

	private final Map<String, ExchangeState> exchanges = new HashMap<>();

	private final Map<String, QueueState> queues = new LinkedHashMap<>();

	/**
	 * Declares an exchange, a queue or a binding: again with the same settings does
	 * nothing; with others fails ({@code PRECONDITION_FAILED}).
	 */
	void declare(Declarable declarable) {
		if (declarable instanceof Exchange exchange) {
			declareExchange(exchange);
		}
		else if (declarable instanceof Queue queue) {
			declareQueue(queue);
		}
		else if (declarable instanceof Binding binding) {
			bind(binding);
		}
		else {
			throw new IllegalArgumentException("Cannot declare a " + declarable.getClass().getName());
		}
	}

	boolean exchangeExists(String name) {
		return name.isEmpty() || this.exchanges.containsKey(name);
	}

	/** The queue, or {@code null}. */
	QueueState queue(String name) {
		return this.queues.get(name);
	}

	QueueState requireQueue(String name) {
		QueueState queue = this.queues.get(name);
		if (queue == null) {
			throw new IllegalStateException("NOT_FOUND - no queue '" + name + "'");
		}
		return queue;
	}

	void deleteQueue(String name) {
		QueueState queue = this.queues.remove(name);
		if (queue != null) {
			queue.expiryCheck = null;
			this.exchanges.values().forEach((exchange) -> exchange.bindings().removeIf((b) -> b.queue(name)));
		}
	}

	void deleteExchange(String name) {
		this.exchanges.remove(name);
		this.exchanges.values()
			.forEach((exchange) -> exchange.bindings()
				.removeIf((binding) -> !binding.toQueue() && binding.destination().equals(name)));
	}

	/**
	 * The queues a message published to an exchange goes to ({@code ""} is the default
	 * exchange, which routes to the queue of the routing key's name).
	 */
	List<QueueState> route(String exchange, String routingKey, Message message) {
		Set<String> names = new LinkedHashSet<>();
		route(exchange, routingKey, message, names, new LinkedHashSet<>());
		List<QueueState> targets = new ArrayList<>(names.size());
		names.forEach((name) -> targets.add(this.queues.get(name)));
		return targets;
	}

	private void route(String exchangeName, String routingKey, Message message, Set<String> queues,
			Set<String> visited) {
		if (exchangeName.isEmpty()) {
			if (this.queues.containsKey(routingKey)) {
				queues.add(routingKey);
			}
			return;
		}
		ExchangeState exchange = this.exchanges.get(exchangeName);
		if (!visited.add(exchangeName) || exchange == null) {
			return;
		}
		int before = queues.size();
		for (BindingState binding : exchange.bindings()) {
			if (exchange.matches(binding, routingKey, message.getMessageProperties().getHeaders())) {
				if (binding.toQueue()) {
					queues.add(binding.destination());
				}
				else {
					route(binding.destination(), routingKey, message, queues, visited);
				}
			}
		}
		Object alternate = exchange.arguments().get("alternate-exchange");
		if (queues.size() == before && alternate != null) {
			route(alternate.toString(), routingKey, message, queues, visited);
		}
	}

	private void declareExchange(Exchange exchange) {
		ExchangeState existing = this.exchanges.get(exchange.getName());
		ExchangeState declared = new ExchangeState(exchange.getName(), exchange.getType(),
				Map.copyOf(withoutNulls(exchange.getArguments())));
		if (existing == null) {
			this.exchanges.put(exchange.getName(), declared);
		}
		else if (!existing.type().equals(declared.type()) || !existing.arguments().equals(declared.arguments())) {
			throw new IllegalStateException("PRECONDITION_FAILED - inequivalent arg for exchange '" + exchange.getName()
					+ "': declared " + existing.type() + " " + existing.arguments());
		}
	}

	private void declareQueue(Queue queue) {
		Map<String, Object> arguments = Map.copyOf(withoutNulls(queue.getArguments()));
		QueueState existing = this.queues.get(queue.getName());
		if (existing == null) {
			this.queues.put(queue.getName(), new QueueState(queue.getName(), arguments, queue.isAutoDelete()));
		}
		else if (!existing.arguments.equals(arguments)) {
			throw new IllegalStateException("PRECONDITION_FAILED - inequivalent arg for queue '" + queue.getName()
					+ "': declared with " + existing.arguments + ", now " + arguments);
		}
	}

	private void bind(Binding binding) {
		ExchangeState exchange = this.exchanges.get(binding.getExchange());
		boolean toQueue = binding.getDestinationType() == Binding.DestinationType.QUEUE;
		if (exchange == null || (toQueue ? !this.queues.containsKey(binding.getDestination())
				: !this.exchanges.containsKey(binding.getDestination()))) {
			throw new IllegalStateException("NOT_FOUND - cannot bind " + binding.getDestination() + " to "
					+ binding.getExchange() + ": declare both first");
		}
		BindingState state = new BindingState(binding.getDestination(), toQueue,
				Objects.requireNonNullElse(binding.getRoutingKey(), ""),
				Map.copyOf(withoutNulls(binding.getArguments())));
		if (!exchange.bindings().contains(state)) {
			exchange.bindings().add(state);
		}
	}

	/**
	 * RabbitMQ drops arguments without a value; spring-amqp's builders may leave them.
	 */
	private static Map<String, Object> withoutNulls(Map<String, Object> arguments) {
		Map<String, Object> copy = new HashMap<>();
		arguments.forEach((name, value) -> {
			if (value != null) {
				copy.put(name, value);
			}
		});
		return copy;
	}

}

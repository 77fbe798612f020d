package dev.bus.listener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

/**
 * Bus's topology in RabbitMQ's definitions format
 * ({@code rabbitmqctl import_definitions}, the management API's
 * {@code POST /api/definitions}), for an operator who declares it
 * ({@code bus.topology.declare=false}): exchanges, queues and bindings with their
 * arguments. A broadcast listener's exclusive queue is left out: it belongs to one
 * instance, which declares it on its own connection.
 */
final class TopologyDefinitions {

	private TopologyDefinitions() {
	}

	static Map<String, Object> of(List<Declarable> declarables, String vhost) {
		List<Map<String, Object>> exchanges = new ArrayList<>();
		List<Map<String, Object>> queues = new ArrayList<>();
		List<Map<String, Object>> bindings = new ArrayList<>();
		for (Declarable declarable : declarables) {
			if (declarable instanceof Exchange exchange) {
				Map<String, Object> definition = named(exchange.getName(), vhost);
				definition.put("type", exchange.getType());
				definition.put("durable", exchange.isDurable());
				definition.put("auto_delete", exchange.isAutoDelete());
				definition.put("internal", exchange.isInternal());
				definition.put("arguments", arguments(exchange.getArguments()));
				exchanges.add(definition);
			}
			else if (declarable instanceof Queue queue && !queue.isExclusive()) {
				Map<String, Object> definition = named(queue.getName(), vhost);
				definition.put("durable", queue.isDurable());
				definition.put("auto_delete", queue.isAutoDelete());
				definition.put("arguments", arguments(queue.getArguments()));
				queues.add(definition);
			}
			else if (declarable instanceof Binding binding && !binding.getDestination().isEmpty()) {
				Map<String, Object> definition = new LinkedHashMap<>();
				definition.put("source", binding.getExchange());
				definition.put("vhost", vhost);
				definition.put("destination", binding.getDestination());
				definition.put("destination_type", binding.getDestinationType().name().toLowerCase(Locale.ROOT));
				definition.put("routing_key", binding.getRoutingKey());
				definition.put("arguments", arguments(binding.getArguments()));
				bindings.add(definition);
			}
		}
		return Map.of("exchanges", exchanges, "queues", queues, "bindings", bindings);
	}

	private static Map<String, Object> named(String name, String vhost) {
		Map<String, Object> definition = new LinkedHashMap<>();
		definition.put("name", name);
		definition.put("vhost", vhost);
		return definition;
	}

	private static Map<String, Object> arguments(Map<String, Object> arguments) {
		return (arguments != null) ? arguments : Map.of();
	}

}

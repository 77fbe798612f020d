package dev.bus.testkit.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.amqp.core.ExchangeTypes;

/** An exchange: its type, arguments and bindings, and how it matches a message. */
record ExchangeState(String name, String type, Map<String, Object> arguments, List<BindingState> bindings) {

	ExchangeState(String name, String type, Map<String, Object> arguments) {
		this(name, type, arguments, new ArrayList<>());
	}

	boolean matches(BindingState binding, String routingKey, Map<String, Object> headers) {
		return switch (this.type) {
			case ExchangeTypes.TOPIC -> RoutingKeys.topicMatches(binding.routingKey(), routingKey);
			case ExchangeTypes.DIRECT -> binding.routingKey().equals(routingKey);
			case ExchangeTypes.FANOUT -> true;
			case ExchangeTypes.HEADERS -> RoutingKeys.headersMatch(binding.arguments(), headers);
			default -> throw new IllegalStateException("Exchange type " + this.type + " is not modelled");
		};
	}

}

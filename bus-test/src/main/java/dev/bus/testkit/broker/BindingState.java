package dev.bus.testkit.broker;

import java.util.Map;

/** A binding of an exchange to a queue or another exchange. */
record BindingState(String destination, boolean toQueue, String routingKey, Map<String, Object> arguments) {

	boolean queue(String name) {
		return this.toQueue && this.destination.equals(name);
	}

}

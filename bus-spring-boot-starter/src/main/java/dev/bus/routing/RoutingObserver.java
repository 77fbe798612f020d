package dev.bus.routing;

import java.util.List;

import dev.bus.core.routing.RoutingRule;

/** Hears every message a routing rule decided, for metrics. */
public interface RoutingObserver {

	/** Hears nothing. */
	RoutingObserver NONE = (ruleSet, rule, action) -> {
	};

	/** A rule of a rule set decided a message's route. */
	void routed(String ruleSet, String rule, RoutingRule.Action action);

	/** All of them, in order. */
	static RoutingObserver composite(List<RoutingObserver> observers) {
		return (observers.isEmpty()) ? NONE
				: (ruleSet, rule, action) -> observers.forEach((observer) -> observer.routed(ruleSet, rule, action));
	}

}

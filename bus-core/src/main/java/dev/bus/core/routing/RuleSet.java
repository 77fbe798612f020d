package dev.bus.core.routing;

import java.util.List;

/**
 * A versioned set of routing rules, as kept in Consul KV (one key per rule set, JSON) or
 * in an app's own configuration. Within a set the first rule that matches a message
 * decides; across sets, the sets are tried in name order.
 *
 * @param name the rule set's name (its key)
 * @param version its version, which routed messages carry in {@code bus-routed-by}
 * @param rules its rules, in order
 */
public record RuleSet(String name, long version, List<RoutingRule> rules) {

	public RuleSet {
		rules = (rules != null) ? List.copyOf(rules) : List.of();
	}

}

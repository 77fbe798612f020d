package dev.bus.routing;

import java.util.List;

import dev.bus.core.routing.RoutingRule;

/**
 * What routing decided for one message.
 *
 * @param ruleSet the deciding rule set's name, or {@code null} when no rule matched
 * @param version its version
 * @param rule the deciding rule's name
 * @param action what to do; {@code null} when no rule matched (publish as is)
 * @param targets the topics to publish to besides (copy) or instead of (redirect, split)
 * the message's own
 * @param reason a rejection's reason
 */
public record Route(String ruleSet, long version, String rule, RoutingRule.Action action, List<String> targets,
		String reason) {

	/** No rule matched: the message goes to its own topic. */
	public static final Route NONE = new Route(null, 0, null, null, List.of(), null);

	/** The {@code bus-routed-by} value: {@code <rule set>@<version>/<rule>}. */
	public String routedBy() {
		return this.ruleSet + "@" + this.version + "/" + this.rule;
	}

}

package dev.bus.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.bus.core.routing.RuleSet;

/**
 * Routing rules applied at publish time in this app. Rule sets from the sidecar (Consul
 * KV) come on top of these; an invalid rule set fails start-up with its problems.
 */
public class RoutingProperties {

	/**
	 * Rule sets, each with a name, a version and rules: name, topic (pattern), when (an
	 * optional condition in the listener filters' language), action (redirect, copy,
	 * split, reject), to (target topics), weights (split), reason (reject).
	 */
	private List<RuleSet> ruleSets = new ArrayList<>();

	public List<RuleSet> getRuleSets() {
		return this.ruleSets;
	}

	public void setRuleSets(List<RuleSet> ruleSets) {
		this.ruleSets = ruleSets;
	}

}

package dev.bus.core.sidecar;

import java.util.List;
import java.util.Map;

import dev.bus.core.routing.RuleSet;

/**
 * The body of {@link SidecarApi#ROUTES}: the rule sets in force, as the sidecar validated
 * them from Consul KV.
 *
 * @param index changes whenever the rule sets in force change (long polls wait for it to)
 * @param known whether the sidecar has read Consul yet
 * @param ruleSets the rule sets in force, each the last good version of its key
 * @param problems why the current version of a key was refused (by key), while its last
 * good one stays in force
 */
public record RoutingRules(long index, boolean known, List<RuleSet> ruleSets, Map<String, String> problems) {

	public RoutingRules {
		ruleSets = (ruleSets != null) ? List.copyOf(ruleSets) : List.of();
		problems = (problems != null) ? Map.copyOf(problems) : Map.of();
	}

	/** Before the first answer from Consul. */
	public static final RoutingRules UNKNOWN = new RoutingRules(0, false, List.of(), Map.of());

}

package dev.bus.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.TaskScheduler;

import dev.bus.core.routing.RuleSet;
import dev.bus.core.sidecar.RoutingRules;
import dev.bus.routing.Router;

/**
 * Keeps the app's routing rules current with the sidecar's ({@code /v1/routes}, validated
 * there from Consul KV): a long poll answers as soon as a rule set changes, and the
 * router swaps all rules at once, the app's configured rule sets first. With the sidecar
 * down the app keeps the rules it has.
 */
public class SidecarRoutingRules extends SidecarLongPoll {

	private static final Log log = LogFactory.getLog(SidecarRoutingRules.class);

	private final SidecarClient sidecar;

	private final Router router;

	private final List<RuleSet> configured;

	private final Duration wait;

	/** Only touched by the poll, which never runs twice at once. */
	private long index;

	/**
	 * @param configured the app's own rule sets ({@code bus.routing.rule-sets}), kept
	 * beside the sidecar's
	 * @param scheduler where the long polls run
	 */
	public SidecarRoutingRules(SidecarClient sidecar, Router router, List<RuleSet> configured, Duration wait,
			TaskScheduler scheduler) {
		super(sidecar, scheduler, "routing rules");
		this.sidecar = sidecar;
		this.router = router;
		this.configured = List.copyOf(configured);
		this.wait = wait;
	}

	@Override
	protected void pollOnce() throws IOException, InterruptedException {
		apply(this.sidecar.routesAfter(this.index, this.wait));
	}

	private void apply(RoutingRules rules) {
		if (!rules.known() || rules.index() == this.index) {
			this.index = rules.index();
			return;
		}
		this.index = rules.index();
		List<RuleSet> all = new ArrayList<>(this.configured);
		all.addAll(rules.ruleSets());
		List<String> problems = this.router.update(all);
		if (problems.isEmpty()) {
			log.info("Routing rules from the sidecar in force: "
					+ rules.ruleSets().stream().map((ruleSet) -> ruleSet.name() + "@" + ruleSet.version()).toList());
		}
		else {
			log.warn("Routing rules from the sidecar refused, the last good ones stay in force: " + problems);
		}
	}

}

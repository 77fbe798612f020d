package dev.bus.discovery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.bus.core.routing.RuleSet;
import dev.bus.core.sidecar.RoutingRules;
import dev.bus.routing.Router;

/**
 * Keeps the app's routing rules current with the sidecar's ({@code /v1/routes}, validated
 * there from Consul KV): a long poll answers as soon as a rule set changes, and the
 * router swaps all rules at once, the app's configured rule sets first. With the sidecar
 * down the app keeps the rules it has.
 */
public class SidecarRoutingRules implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(SidecarRoutingRules.class);

	private static final long MAX_BACK_OFF_MILLIS = 10_000;

	private final SidecarClient sidecar;

	private final Router router;

	private final List<RuleSet> configured;

	private final Duration wait;

	private final TaskScheduler scheduler;

	private volatile boolean running;

	/** Only touched by the poll, which never runs twice at once. */
	private long index;

	private BackOffExecution backOff;

	/**
	 * @param configured the app's own rule sets ({@code bus.routing.rule-sets}), kept
	 * beside the sidecar's
	 * @param scheduler where the long polls run
	 */
	public SidecarRoutingRules(SidecarClient sidecar, Router router, List<RuleSet> configured, Duration wait,
			TaskScheduler scheduler) {
		this.sidecar = sidecar;
		this.router = router;
		this.configured = List.copyOf(configured);
		this.wait = wait;
		this.scheduler = scheduler;
	}

	private void poll() {
		if (!this.running) {
			return;
		}
		try {
			apply(this.sidecar.routesAfter(this.index, this.wait));
			this.backOff = null;
			this.scheduler.schedule(this::poll, Instant.now());
		}
		catch (IOException ex) {
			if (this.backOff == null) {
				ExponentialBackOff policy = new ExponentialBackOff(500, 2.0);
				policy.setMaxInterval(MAX_BACK_OFF_MILLIS);
				this.backOff = policy.start();
			}
			long delay = this.backOff.nextBackOff();
			log.debug("Routing rules long poll failed; keeping the rules in force, retrying in " + delay + " ms", ex);
			this.scheduler.schedule(this::poll, Instant.now().plusMillis(delay));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (TaskRejectedException ex) {
			// The scheduler is shutting down with the application.
		}
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

	@Override
	public void start() {
		if (!this.running) {
			this.running = true;
			this.scheduler.schedule(this::poll, Instant.now());
		}
	}

	/**
	 * Stops polling; a poll in flight ends with its long poll or when the scheduler is
	 * shut down.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}

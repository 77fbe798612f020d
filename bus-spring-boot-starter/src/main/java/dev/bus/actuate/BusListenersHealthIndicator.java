package dev.bus.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;

/**
 * Health of the listeners, not just the connection: DOWN while any listener container is
 * stopped or has no active consumer on its queue (broker unreachable, queue refused), or
 * while the bus exchange on the broker is not what Bus needs, with each listener's state
 * (and the exchange's problem) in the details. A listener paused on purpose (a health
 * indicator it depends on is down) shows as paused, with why, and does not make it DOWN.
 * The sidecar turns this into the app's Consul TTL status.
 */
public class BusListenersHealthIndicator extends AbstractHealthIndicator {

	private final BusListenerRegistry registry;

	private final BusTopology topology;

	public BusListenersHealthIndicator(BusListenerRegistry registry, BusTopology topology) {
		super("Bus listener health check failed");
		this.registry = registry;
		this.topology = topology;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean allConsuming = true;
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (BusListenerRegistry.Registration registration : this.registry.registrations()) {
			String state = this.registry.state(registration);
			// A paused listener is deliberate: the group's other instances take its load.
			allConsuming &= state.equals("consuming") || state.startsWith("paused");
			listeners.put(registration.definition().id(), Map.of("queue", registration.definition().queue(), "state",
					state, "activeConsumers", registration.activeConsumers()));
		}
		String exchangeProblem = this.topology.exchangeProblem();
		// where an operator declares the topology: what is not there yet (checked
		// passively)
		List<String> missing = this.topology.missing();
		((allConsuming && exchangeProblem == null && missing.isEmpty()) ? builder.up() : builder.down())
			.withDetail("listeners", listeners);
		if (exchangeProblem != null) {
			builder.withDetail("exchange", exchangeProblem);
		}
		if (!missing.isEmpty()) {
			builder.withDetail("missingTopology", missing);
		}
		// still consumed, so not DOWN: said, with what to do
		Map<String, String> queueProblems = this.topology.queueProblems();
		if (!queueProblems.isEmpty()) {
			builder.withDetail("queuesNotAsDeclared", queueProblems);
		}
	}

}

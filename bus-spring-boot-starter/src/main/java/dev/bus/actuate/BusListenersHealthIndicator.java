package dev.bus.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;

/**
 * Health of the listeners, not just the connection: DOWN while any listener container is stopped or has no
 * active consumer on its queue (broker unreachable, queue refused), or while the bus exchange on the broker is
 * not what Bus needs, with each listener's state (and the exchange's problem) in the details.
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
			boolean running = registration.container().isRunning();
			int consumers = registration.activeConsumers();
			boolean consuming = running && consumers > 0;
			allConsuming &= consuming;
			listeners.put(registration.definition().id(), Map.of("queue", registration.definition().queue(), "state",
					!running ? "stopped" : consuming ? "consuming" : "waiting-for-broker", "activeConsumers",
					consumers));
		}
		String exchangeProblem = this.topology.exchangeProblem();
		(allConsuming && exchangeProblem == null ? builder.up() : builder.down()).withDetail("listeners", listeners);
		if (exchangeProblem != null) {
			builder.withDetail("exchange", exchangeProblem);
		}
	}

}

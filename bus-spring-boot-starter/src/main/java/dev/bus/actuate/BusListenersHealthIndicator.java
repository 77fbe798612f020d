package dev.bus.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.bus.listener.BusListenerRegistry;

/**
 * Health of the listeners, not just the connection: DOWN while any listener container is stopped or has no
 * active consumer on its queue (broker unreachable, queue refused), with each listener's state in the details.
 * The sidecar turns this into the app's Consul TTL status.
 */
public class BusListenersHealthIndicator extends AbstractHealthIndicator {

	private final BusListenerRegistry registry;

	public BusListenersHealthIndicator(BusListenerRegistry registry) {
		super("Bus listener health check failed");
		this.registry = registry;
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
		(allConsuming ? builder.up() : builder.down()).withDetail("listeners", listeners);
	}

}

package dev.bus.actuate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.health.contributor.Status;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;

/**
 * Pauses each listener while a health indicator it depends on ({@code pauseWhenDown}) is
 * DOWN or OUT_OF_SERVICE, and resumes it when they are all up again: the group's other
 * instances take the load meanwhile, and nothing is retried or dead-lettered because of
 * this instance's own trouble. Checked every {@code bus.listener.health-check-interval};
 * a pause finishes the deliveries in flight.
 */
public class HealthDependentListeners implements Runnable {

	private static final Log logger = LogFactory.getLog(HealthDependentListeners.class);

	/** The cause this pauses listeners for, in {@link BusListenerRegistry#pause}. */
	/** The cause it pauses listeners for ({@code bus.listener.paused{cause}}). */
	public static final String CAUSE = "health";

	private final BusListenerRegistry registry;

	private final Function<String, Status> statusOf;

	private final Set<String> unknown = ConcurrentHashMap.newKeySet();

	/**
	 * @param statusOf an indicator's status by name, {@code null} for an indicator the
	 * application does not have
	 */
	public HealthDependentListeners(BusListenerRegistry registry, Function<String, Status> statusOf) {
		this.registry = registry;
		this.statusOf = statusOf;
	}

	@Override
	public void run() {
		for (BusListenerDefinition listener : this.registry.definitions()) {
			if (listener.pauseWhenDown().isEmpty()) {
				continue;
			}
			String down = firstDown(listener);
			boolean paused = this.registry.isPausedFor(listener.id(), CAUSE);
			if (down != null && !paused) {
				String because = "health indicator '" + down + "' is down";
				logger.info("Pausing listener '" + listener.id() + "': " + because);
				this.registry.pause(listener.id(), CAUSE, because);
			}
			else if (down == null && paused) {
				logger.info("Resuming listener '" + listener.id() + "': the health indicators it depends on are up");
				this.registry.resume(listener.id(), CAUSE);
			}
		}
	}

	private String firstDown(BusListenerDefinition listener) {
		for (String name : listener.pauseWhenDown()) {
			Status status = this.statusOf.apply(name);
			if (status == null) {
				if (this.unknown.add(name)) {
					logger.error("Listener '" + listener.id() + "' depends on health indicator '" + name
							+ "', which the application does not have; it is ignored");
				}
			}
			else if (Status.DOWN.equals(status) || Status.OUT_OF_SERVICE.equals(status)) {
				return name;
			}
		}
		return null;
	}

}

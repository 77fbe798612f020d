package dev.bus.discovery;

import java.io.IOException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bus.core.LogValues;
import dev.bus.core.sidecar.Maintenance;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;

/**
 * Operator drain: while the app's instance is in maintenance in Consul
 * ({@code consul maint -enable}), which its sidecar reports, every listener of the app
 * pauses (finishing the deliveries in flight) and the other instances take the load; they
 * resume when maintenance ends. A sidecar that cannot be asked leaves the listeners as
 * they are.
 */
public class SidecarMaintenance implements Runnable {

	/** The cause this pauses listeners for, in {@link BusListenerRegistry#pause}. */
	/** The cause it pauses listeners for ({@code bus.listener.paused{cause}}). */
	public static final String CAUSE = "maintenance";

	private static final Log logger = LogFactory.getLog(SidecarMaintenance.class);

	private final SidecarClient client;

	private final Supplier<BusListenerRegistry> registry;

	/**
	 * @param registry the app's listeners, or {@code null} from the supplier when it has
	 * none
	 */
	public SidecarMaintenance(SidecarClient client, Supplier<BusListenerRegistry> registry) {
		this.client = client;
		this.registry = registry;
	}

	@Override
	public void run() {
		BusListenerRegistry listeners = this.registry.get();
		if (listeners == null) {
			return;
		}
		Maintenance maintenance;
		try {
			maintenance = this.client.maintenance();
		}
		catch (IOException ex) {
			logger.debug("Cannot ask the sidecar about maintenance: " + ex.getMessage());
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		for (BusListenerDefinition listener : listeners.definitions()) {
			boolean paused = listeners.isPausedFor(listener.id(), CAUSE);
			if (maintenance.enabled() && !paused) {
				logger.info("Pausing listener '" + listener.id() + "': the instance is in maintenance ("
						+ LogValues.escape(maintenance.reason()) + ")");
				listeners.pause(listener.id(), CAUSE, "instance in maintenance: " + maintenance.reason());
			}
			else if (!maintenance.enabled() && paused) {
				logger.info("Resuming listener '" + listener.id() + "': the instance is out of maintenance");
				listeners.resume(listener.id(), CAUSE);
			}
		}
	}

}

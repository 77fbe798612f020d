package dev.bus.sidecar.registration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.client.RestClientException;

import dev.bus.sidecar.consul.ConsulAgent;

/**
 * Takes the app's instance out of Consul's passing set before the app stops: puts it in
 * maintenance (critical, so peers stop routing to it) and holds for the drain time. Done
 * once, by the app's own request at its shutdown or at the sidecar's, whichever comes
 * first; a later call waits for the first to end. Also tells when the app itself has
 * stopped, for a sidecar that must outlive it.
 * <p>
 * A drain ends when the app, having stopped after it, answers again: an app container
 * restarted alone (after a failed liveness probe) drained at its stop, and the restarted
 * app must not stay out of the passing set until the pod goes. The instance then leaves
 * maintenance, and the next stop drains again.
 */
final class InstanceDrain {

	private static final Log log = LogFactory.getLog(InstanceDrain.class);

	/** How often {@link #awaitAppStopped} checks the app's port. */
	private static final Duration APP_STOP_POLL = Duration.ofMillis(100);

	private final AppClient app;

	private final ConsulAgent consul;

	private final AppServiceDefinition definition;

	private final Duration drainTime;

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile CompletableFuture<Void> drained = new CompletableFuture<>();

	/** Whether the app stopped answering after the last drain ended. */
	private volatile boolean appGoneSinceDrain;

	InstanceDrain(AppClient app, ConsulAgent consul, AppServiceDefinition definition, Duration drainTime) {
		this.app = app;
		this.consul = consul;
		this.definition = definition;
		this.drainTime = drainTime;
	}

	/**
	 * Drains once; a later call waits for the first one to end.
	 * @param registered whether the instance is registered (nothing to drain otherwise)
	 */
	void drain(boolean registered) {
		if (!this.started.compareAndSet(false, true)) {
			try {
				this.drained.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException ex) {
				// drained always completes normally
			}
			return;
		}
		try {
			if (registered) {
				enterMaintenanceAndHold();
			}
		}
		finally {
			this.drained.complete(null);
		}
	}

	/** Whether a drain was asked for (by the app, or by a stop) and has not ended. */
	boolean requested() {
		return this.started.get();
	}

	/** Whether the app accepts connections on its port now. */
	boolean appRuns() {
		return this.app.acceptsConnections();
	}

	/**
	 * Hears every heartbeat's probe of the app: an app that stopped after a drain and
	 * answers again ends the drain.
	 * @param answered whether the app answered the probe
	 */
	void appProbed(boolean answered) {
		if (!this.started.get() || !this.drained.isDone()) {
			return;
		}
		if (!answered) {
			this.appGoneSinceDrain = true;
		}
		else if (this.appGoneSinceDrain) {
			end();
		}
	}

	private synchronized void end() {
		if (!this.appGoneSinceDrain) {
			return;
		}
		String id = this.definition.instanceId();
		try {
			this.consul.maintenance(id, false, null);
			log.info("App " + id + " answers again after its drain (its container was restarted): out of maintenance");
		}
		catch (RestClientException ex) {
			log.warn("Could not take " + id + " out of maintenance (" + ex.getClass().getSimpleName()
					+ "); trying again at the next heartbeat");
			return;
		}
		this.appGoneSinceDrain = false;
		this.drained = new CompletableFuture<>();
		this.started.set(false);
	}

	/**
	 * Waits until the app no longer accepts connections on its port, up to
	 * {@code timeout}.
	 * @return whether the app stopped within the timeout
	 */
	boolean awaitAppStopped(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.app.acceptsConnections()) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			try {
				// the app's port is the only signal there is: nothing notifies when it
				// closes
				TimeUnit.MILLISECONDS.sleep(APP_STOP_POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private void enterMaintenanceAndHold() {
		String id = this.definition.instanceId();
		try {
			this.consul.maintenance(id, true, "bus-sidecar: pod shutting down");
			log.info("Put " + id + " in maintenance; draining for " + this.drainTime.toMillis() + " ms");
			// the drain time is the point: peers need it to see the instance leave the
			// passing set
			TimeUnit.MILLISECONDS.sleep(this.drainTime.toMillis());
		}
		catch (RestClientException ex) {
			log.warn("Could not put " + id + " in maintenance (" + ex.getClass().getSimpleName() + ")");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

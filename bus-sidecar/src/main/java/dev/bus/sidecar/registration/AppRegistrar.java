package dev.bus.sidecar.registration;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

import dev.bus.core.sidecar.Maintenance;
import dev.bus.sidecar.RegistrationProperties;
import dev.bus.sidecar.consul.ConsulAgent;
import dev.bus.sidecar.consul.ConsulRefusal;
import dev.bus.sidecar.consul.UnsafeConsulException;

/**
 * Keeps the app registered in Consul with a TTL check that follows its real health.
 * <p>
 * The heartbeat scheduler's thread runs the loop: read the app's health; register once
 * the app answers (so the app may start before or after the sidecar;
 * {@link InstanceRegistration}); then, every third of the TTL, pass, warn or fail the
 * check. When Consul rejects a heartbeat (it lost its state, as after an agent restart,
 * or someone deregistered the instance) the app is registered again at once. When Consul
 * cannot be reached, attempts back off (doubling, capped) and resume when it returns. On
 * shutdown the instance goes into maintenance (critical, so peers stop routing to it),
 * stays there for the drain time, and is deregistered. The app drains earlier, first
 * thing at its own shutdown ({@link #drain()}, through the loopback local API), so the
 * instance leaves Consul's passing set before the app stops ({@link InstanceDrain}); the
 * sidecar's shutdown then only deregisters. A sidecar replaced under a running app (an
 * upgrade, a restart) leaves the registration to its successor: the instance never turns
 * critical.
 */
public class AppRegistrar implements SmartLifecycle {

	/**
	 * Stops before the local API and the watches, so the app keeps its view of Consul
	 * while it drains.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Duration MIN_BACKOFF = Duration.ofMillis(250);

	private static final Log log = LogFactory.getLog(AppRegistrar.class);

	private final AppClient app;

	private final ConsulAgent consul;

	private final AppServiceDefinition definition;

	private final RegistrationProperties settings;

	private final Duration heartbeatInterval;

	private final Counter heartbeatFailures;

	private final Counter consulErrors;

	private final TaskScheduler scheduler;

	private final InstanceRegistration instance;

	private final InstanceDrain drain;

	/**
	 * Held by a heartbeat while it runs, so that stopping can wait for the one in flight.
	 */
	private final ReentrantLock beating = new ReentrantLock();

	private volatile boolean running;

	private volatile @Nullable ScheduledFuture<?> next;

	private volatile AppHealth health = AppHealth.unreachable("not probed yet");

	private volatile @Nullable String consulError;

	/**
	 * When the heartbeat last ran ({@link System#nanoTime()}), for
	 * {@link #heartbeatAlive()}.
	 */
	private volatile long lastTick = System.nanoTime();

	private Duration backoff = MIN_BACKOFF;

	/**
	 * @param scheduler runs the heartbeats: a bean of the context, with one thread
	 */
	public AppRegistrar(AppClient app, ConsulAgent consul, AppServiceDefinition definition,
			RegistrationProperties settings, MeterRegistry meters, TaskScheduler scheduler) {
		this.scheduler = scheduler;
		this.app = app;
		this.consul = consul;
		this.definition = definition;
		this.settings = settings;
		this.heartbeatInterval = settings.getTtl().dividedBy(3);
		this.instance = new InstanceRegistration(app, consul, definition, meters.counter("bus.sidecar.registrations"));
		this.drain = new InstanceDrain(app, consul, definition, settings.getDrainTime());
		this.heartbeatFailures = meters.counter("bus.sidecar.heartbeat.failures");
		this.consulErrors = meters.counter("bus.sidecar.consul.errors", "operation", "registration");
		meters.gauge("bus.sidecar.app.registered", this.instance, (instance) -> instance.registered() ? 1 : 0);
	}

	/**
	 * The status the sidecar reports: registration, the app's last health, Consul's last
	 * error.
	 */
	public record Status(String instanceId, boolean registered, String health, String reason,
			@Nullable String consulError) {
	}

	/**
	 * Whether the heartbeat loop still runs: false once it has not run for three of its
	 * longest waits (interval plus the longest backoff), which only happens when its
	 * thread died or hangs. The sidecar's liveness reports it, so the kubelet restarts a
	 * sidecar that no longer reports the app's health to Consul.
	 */
	public boolean heartbeatAlive() {
		if (!this.running) {
			return true;
		}
		long limit = this.heartbeatInterval.plus(this.settings.getMaxBackoff()).multipliedBy(3).toNanos();
		return System.nanoTime() - this.lastTick < limit;
	}

	/**
	 * Whether an operator put the instance in maintenance in Consul, as of the last
	 * heartbeat.
	 */
	public Maintenance maintenance() {
		return this.instance.maintenance();
	}

	public Status status() {
		AppHealth current = this.health;
		return new Status(this.definition.instanceId(), this.instance.registered(),
				AppServiceDefinition.consulStatus(current.status()), current.reason(), this.consulError);
	}

	@Override
	public synchronized void start() {
		this.lastTick = System.nanoTime();
		this.running = true;
		schedule(Duration.ZERO);
	}

	/**
	 * One heartbeat. An unexpected failure is logged and the loop goes on: a dead loop
	 * would leave the check to expire.
	 */
	private void tick() {
		this.lastTick = System.nanoTime();
		this.beating.lock();
		try {
			if (this.running) {
				beat();
			}
		}
		catch (RuntimeException ex) {
			// A failure the Consul client does not translate (a TLS handshake refused
			// while the request body is
			// written surfaces as a conversion exception) or a bug: reported like
			// Consul's errors, with the stack
			// trace only the first time, so a misconfiguration does not flood the log.
			Duration next = nextBackoff();
			String error = "Heartbeat failed: " + ex.getClass().getSimpleName();
			this.consulErrors.increment();
			if (error.equals(this.consulError)) {
				log.warn(error + "; retrying in " + next.toMillis() + " ms");
			}
			else {
				log.error(error + "; retrying in " + next.toMillis() + " ms", ex);
			}
			this.consulError = error;
			schedule(next);
		}
		finally {
			this.beating.unlock();
		}
	}

	private void beat() {
		AppHealth previous = this.health;
		AppHealth current = this.app.health();
		this.health = current;
		if (current.status() != previous.status()) {
			log.info("App " + this.definition.instanceId() + " is now "
					+ AppServiceDefinition.consulStatus(current.status()) + ": " + current.reason());
		}
		Duration next = this.heartbeatInterval;
		if (!this.settings.isEnabled()) {
			// something else registers the app (bus.sidecar.registration.enabled=false)
			schedule(next);
			return;
		}
		try {
			if (!this.instance.registered()) {
				if (current.answered()) {
					this.instance.register(current);
				}
			}
			else {
				this.drain.appProbed(current.answered());
				this.instance.refreshTopics(current);
				this.consul.updateTtl(this.definition.checkId(), current.status(), current.reason());
				this.instance.refreshMaintenance();
			}
			this.consulError = null;
			this.backoff = MIN_BACKOFF;
		}
		catch (RestClientResponseException ex) {
			next = nextBackoff();
			int status = ex.getStatusCode().value();
			if (status == 401 || status == 403) {
				this.consulErrors.increment();
				String what = this.instance.registered() ? "the heartbeat" : "the registration";
				this.consulError = "Consul denied " + what + ": HTTP " + status
						+ " (check bus.sidecar.consul.acl-token and its policy)";
				log.warn(this.consulError + "; retrying in " + next.toMillis() + " ms");
			}
			else if (this.instance.registered()) {
				// Consul answered but does not know the check: it lost its state or the
				// instance was removed.
				this.heartbeatFailures.increment();
				this.consulError = "Consul rejected the heartbeat: HTTP " + status;
				log.warn(this.consulError + "; registering " + this.definition.instanceId() + " again");
				this.instance.lost();
			}
			else {
				this.consulErrors.increment();
				this.consulError = "Consul rejected the registration: HTTP " + status;
				log.warn(this.consulError + "; retrying in " + next.toMillis() + " ms");
			}
		}
		catch (UnsafeConsulException ex) {
			// logged once by the check; the status says it for as long as it lasts
			this.consulErrors.increment();
			next = nextBackoff();
			this.consulError = ex.getMessage();
		}
		catch (RestClientException ex) {
			this.consulErrors.increment();
			boolean refused = ConsulRefusal.isRefused(ex);
			next = refused ? ConsulRefusal.RETRY_INTERVAL : nextBackoff();
			String error = "Consul unreachable: " + ex.getClass().getSimpleName() + (refused ? " (refused)" : "");
			if (!error.equals(this.consulError) || !refused) {
				log.warn(error + "; retrying in " + next.toMillis() + " ms" + (refused ? " until it is back" : ""));
			}
			this.consulError = error;
		}
		schedule(next);
	}

	private Duration nextBackoff() {
		Duration current = this.backoff;
		Duration doubled = current.multipliedBy(2);
		this.backoff = (doubled.compareTo(this.settings.getMaxBackoff()) > 0) ? this.settings.getMaxBackoff() : doubled;
		return current;
	}

	private synchronized void schedule(Duration delay) {
		if (this.running) {
			this.next = this.scheduler.schedule(this::tick, Instant.now().plus(delay));
		}
	}

	/**
	 * Stops the heartbeats (interrupting one in flight, whose app or Consul call then
	 * ends), waits up to a second for it, then drains and deregisters; with
	 * {@code await-app-stop}, waits for the app to stop between the two. A sidecar
	 * stopped alone, while the app runs and has not drained, leaves the instance
	 * registered and passing for the sidecar that replaces it.
	 */
	@Override
	public void stop() {
		ScheduledFuture<?> pending;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			pending = this.next;
			this.next = null;
		}
		if (pending != null) {
			pending.cancel(true);
		}
		try {
			if (this.beating.tryLock(1, TimeUnit.SECONDS)) {
				this.beating.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		boolean registered = this.instance.registered();
		if (registered && !this.settings.isAwaitAppStop() && !this.drain.requested() && this.drain.appRuns()) {
			// Stopped alone while the app runs and has not drained: replaced or restarted
			// (an upgrade, the kubelet after a failed liveness probe). Taking the
			// instance
			// out would take a serving app out of every peer's view; its TTL check stays
			// passing until the next sidecar beats it, and turns critical if none comes.
			log.info("The app still runs and has not drained: leaving " + this.definition.instanceId()
					+ " registered for the next sidecar (its TTL check fails after " + this.settings.getTtl().toMillis()
					+ " ms if none takes over)");
			return;
		}
		if (this.settings.isAwaitAppStop()) {
			this.drain.drain(registered);
			if (!this.drain.awaitAppStopped(this.settings.getAppStopTimeout())) {
				log.warn("The app still accepts connections after " + this.settings.getAppStopTimeout().toMillis()
						+ " ms (bus.sidecar.registration.app-stop-timeout): stopping anyway");
			}
		}
		if (registered) {
			this.drain.drain(true);
			this.instance.deregister(this.settings.getDeregisterCriticalAfter());
		}
	}

	/**
	 * Takes the instance out of Consul's passing set: puts it in maintenance and holds
	 * for the drain time, so peers stop routing to it before the app stops. Done once: a
	 * later call (a second request, or shutdown) waits for the first to end. Nothing to
	 * do when the instance is not registered.
	 * @return whether the instance was registered (and so drained)
	 */
	public boolean drain() {
		boolean registered = this.instance.registered();
		this.drain.drain(registered);
		return registered;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

package dev.bus.sidecar;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePositive;

/** Registration of the app in Consul. */
public class RegistrationProperties {

	/**
	 * Whether the sidecar registers the app in Consul and reports its health with a TTL
	 * check. Off where something else registers the pods, as consul-k8s does without
	 * client agents (agentless, from the pods' readiness): the sidecar then only
	 * discovers, watches and serves.
	 */
	private boolean enabled = true;

	/**
	 * Instance id in Consul. Defaults to {@code <name>-<HOSTNAME>} (the pod name in
	 * Kubernetes), else {@code <name>-<address>-<port>}.
	 */
	private @Nullable String instanceId;

	/**
	 * TTL of the health check; the sidecar reports the app's health every third of it,
	 * and gives up a call to Consul other than a blocking query after that third (at
	 * least 1s).
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * Consul removes an instance whose check stays critical this long (a pod that died
	 * without draining).
	 */
	private Duration deregisterCriticalAfter = Duration.ofMinutes(1);

	/**
	 * On shutdown, how long the instance stays in maintenance (critical, so peers stop
	 * routing to it) before it is deregistered.
	 */
	private Duration drainTime = Duration.ofSeconds(2);

	/**
	 * Longest wait between attempts while Consul or the app cannot be reached (backoff
	 * doubles up to it).
	 */
	private Duration maxBackoff = Duration.ofSeconds(10);

	/**
	 * Whether the sidecar, told to stop, drains at once and then waits for the app to
	 * stop accepting connections (up to {@code app-stop-timeout}) before it deregisters
	 * and stops serving the app: for a sidecar stopped together with its app (a classic
	 * sidecar container, which Kubernetes stops with the app's), so the app keeps its
	 * local API and span receiver to the end. Off, a sidecar stopped alone (replaced
	 * under a running app) does not wait.
	 */
	private boolean awaitAppStop;

	/** Longest a stopping sidecar waits for the app with {@code await-app-stop}. */
	private Duration appStopTimeout = Duration.ofSeconds(60);

	public boolean isAwaitAppStop() {
		return this.awaitAppStop;
	}

	public void setAwaitAppStop(boolean awaitAppStop) {
		this.awaitAppStop = awaitAppStop;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getDeregisterCriticalAfter() {
		return this.deregisterCriticalAfter;
	}

	public void setDeregisterCriticalAfter(Duration deregisterCriticalAfter) {
		this.deregisterCriticalAfter = deregisterCriticalAfter;
	}

	public Duration getAppStopTimeout() {
		return this.appStopTimeout;
	}

	public void setAppStopTimeout(Duration appStopTimeout) {
		this.appStopTimeout = appStopTimeout;
	}

	public Duration getDrainTime() {
		return this.drainTime;
	}

	public void setDrainTime(Duration drainTime) {
		this.drainTime = drainTime;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.registration}. */
	void validate(Errors errors) {
		if (getTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			errors.rejectValue("ttl", "invalid", "must be at least 1s (Consul's TTL resolution)");
		}
		if (getDeregisterCriticalAfter().compareTo(Duration.ofMinutes(1)) < 0) {
			errors.rejectValue("deregister-critical-after", "invalid",
					"must be at least 1m (Consul's reaper runs about every 30s)");
		}
		requirePositive(errors, "drain-time", getDrainTime());
		requirePositive(errors, "app-stop-timeout", getAppStopTimeout());
	}

}

package dev.bus.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.positive;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/**
 * How the app talks to the Bus sidecar beside it ({@code bus.sidecar-client.*}; the
 * sidecar process's own settings are {@code bus.sidecar.*}). When
 * {@code bus.sidecar-client.url} is set, the broker addresses come from the sidecar's
 * discovery (Consul) instead of {@code spring.rabbitmq.*}; without it nothing changes.
 */
public class SidecarClientProperties {

	/**
	 * Base URL of the sidecar's local API, such as {@code http://127.0.0.1:4040}. Unset:
	 * no sidecar.
	 */
	private URI url;

	/**
	 * Timeout of a plain call to the sidecar; the broker list then falls back to the last
	 * known one.
	 */
	private Duration timeout = Duration.ofSeconds(1);

	/** How long one long poll for broker changes waits at the sidecar. */
	private Duration wait = Duration.ofSeconds(30);

	/**
	 * How often the sidecar is asked whether the instance is in maintenance (listeners
	 * pause while it is).
	 */
	private Duration maintenanceInterval = Duration.ofSeconds(1);

	/**
	 * Whether the app, first thing at its shutdown, asks the sidecar to take its instance
	 * out of Consul's passing set and waits for the sidecar's drain time, so peers stop
	 * routing to it before anything stops.
	 */
	private boolean drainOnShutdown = true;

	/**
	 * Longest the shutdown waits for the sidecar's drain (which lasts the sidecar's
	 * {@code bus.sidecar.registration.drain-time}).
	 */
	private Duration drainTimeout = Duration.ofSeconds(30);

	/**
	 * Development only: let the app send its credentials (password or token) to broker
	 * addresses from discovery without TLS and hostname verification. Whoever can
	 * register a service in Consul could then receive them; without this, start-up fails
	 * unless {@code spring.rabbitmq.ssl.enabled} and
	 * {@code spring.rabbitmq.ssl.verify-hostname} are true.
	 */
	private boolean allowInsecureBrokers;

	public boolean isAllowInsecureBrokers() {
		return this.allowInsecureBrokers;
	}

	public void setAllowInsecureBrokers(boolean allowInsecureBrokers) {
		this.allowInsecureBrokers = allowInsecureBrokers;
	}

	public Duration getMaintenanceInterval() {
		return this.maintenanceInterval;
	}

	public void setMaintenanceInterval(Duration maintenanceInterval) {
		this.maintenanceInterval = maintenanceInterval;
	}

	public boolean isDrainOnShutdown() {
		return this.drainOnShutdown;
	}

	public void setDrainOnShutdown(boolean drainOnShutdown) {
		this.drainOnShutdown = drainOnShutdown;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public URI getUrl() {
		return this.url;
	}

	public void setUrl(URI url) {
		this.url = url;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getWait() {
		return this.wait;
	}

	public void setWait(Duration wait) {
		this.wait = wait;
	}

	/** Checks the values at binding time, under {@code bus.sidecar-client}. */
	void validate(Errors errors) {
		URI url = getUrl();
		if (url != null && (!"http".equals(url.getScheme()) || url.getHost() == null)) {
			reject(errors, "url", "format", "must be an http URL such as http://127.0.0.1:4040");
		}
		positive(errors, "timeout", getTimeout());
		positive(errors, "maintenanceInterval", getMaintenanceInterval());
		positive(errors, "wait", getWait());
		positive(errors, "drainTimeout", getDrainTimeout());
	}

}

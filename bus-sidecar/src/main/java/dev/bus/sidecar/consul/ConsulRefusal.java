package dev.bus.sidecar.consul;

import java.net.ConnectException;
import java.time.Duration;

/**
 * Tells a Consul agent that refuses connections (down or restarting) from one that
 * answers badly. A refused connection to the node's agent costs nothing to try again, so
 * the sidecar retries it at a short fixed interval and is registered and watching again
 * within {@link #RETRY_INTERVAL} of the agent's return, instead of waiting out a backoff
 * grown while it was away; errors from an agent that answers still back off.
 */
public final class ConsulRefusal {

	/** How often a refusing agent is tried again. */
	public static final Duration RETRY_INTERVAL = Duration.ofMillis(500);

	private ConsulRefusal() {
	}

	/** Whether {@code error} is, or was caused by, a refused connection. */
	public static boolean isRefused(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
		}
		return false;
	}

}

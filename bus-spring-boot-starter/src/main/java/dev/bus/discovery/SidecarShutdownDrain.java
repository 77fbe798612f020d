package dev.bus.discovery;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bus.support.ShutdownStep;

/**
 * First thing at the app's shutdown, before anything stops (the web server still serves,
 * listeners still consume), asks the sidecar to take the instance out of Consul's passing
 * set and waits while peers stop routing to it (the sidecar's drain time). The app asks
 * itself, through the sidecar's loopback API, rather than a Kubernetes pre-stop hook
 * calling the sidecar: a hook's request comes from the kubelet over the pod's network, so
 * such an endpoint would be open to every pod in the cluster. An app whose sidecar cannot
 * be asked stops anyway, after saying so: its instance then leaves the passing set when
 * its check fails.
 */
public class SidecarShutdownDrain extends ShutdownStep {

	/**
	 * Stops before every other lifecycle, the web server's graceful shutdown included.
	 */
	public static final int PHASE = Integer.MAX_VALUE;

	private static final Log logger = LogFactory.getLog(SidecarShutdownDrain.class);

	private final SidecarClient client;

	private final Duration timeout;

	/**
	 * @param timeout the longest the shutdown waits for the sidecar's answer
	 */
	public SidecarShutdownDrain(SidecarClient client, Duration timeout) {
		super(PHASE);
		this.client = client;
		this.timeout = timeout;
	}

	@Override
	protected void shutdown() {
		long started = System.nanoTime();
		try {
			if (this.client.drain(this.timeout)) {
				logger.info("Out of Consul's passing set after "
						+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: stopping");
			}
		}
		catch (HttpTimeoutException ex) {
			logger.warn("The sidecar did not finish draining within " + this.timeout.toMillis()
					+ " ms (bus.sidecar-client.drain-timeout): stopping anyway");
		}
		catch (IOException ex) {
			logger.warn("Could not drain through the sidecar at " + this.client.baseUrl() + " ("
					+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName())
					+ "): stopping anyway; peers may route to this instance until its health check fails");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.bus.sidecar;

import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePort;

/**
 * Kubernetes probes ({@code /actuator/health/liveness},
 * {@code /actuator/health/readiness}) and {@code /actuator/prometheus}. The kubelet and
 * Prometheus reach the pod's IP, so this listener is not loopback-only by default; it
 * serves nothing but these read-only paths.
 */
public class ManagementProperties {

	/** Address to bind. */
	private String address = "0.0.0.0";

	/** Port (0 picks a free one). */
	private int port = 9464;

	public String getAddress() {
		return this.address;
	}

	public void setAddress(String address) {
		this.address = address;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.management}. */
	void validate(Errors errors) {
		requirePort(errors, "port", getPort());
	}

}

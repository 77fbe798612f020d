package dev.bus.sidecar;

import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePort;

/** The local API: HTTP/JSON on 127.0.0.1 under {@code /v1/}. */
public class ApiProperties {

	/** Port on 127.0.0.1 (0 picks a free one). */
	private int port = 4040;

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.api}. */
	void validate(Errors errors) {
		requirePort(errors, "port", getPort());
	}

}

package dev.bus.sidecar.telemetry;

/**
 * An OTLP request that cannot be decoded; answered with 400 and counted, never passed on.
 */
public class MalformedOtlpException extends RuntimeException {

	public MalformedOtlpException(String message) {
		super(message);
	}

	public MalformedOtlpException(String message, Throwable cause) {
		super(message, cause);
	}

}

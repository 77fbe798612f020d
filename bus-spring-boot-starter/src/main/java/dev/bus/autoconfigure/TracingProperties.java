package dev.bus.autoconfigure;

import java.net.URI;
import java.util.List;

import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.reject;

/**
 * Tracing with OpenTelemetry: spans for every publish and delivery, context in the
 * message headers.
 */
public class TracingProperties {

	/** Whether Bus creates spans (when the OpenTelemetry API is on the classpath). */
	private boolean enabled = true;

	/**
	 * Where the OpenTelemetry SDK that Bus sets up (only when the application has no
	 * {@code OpenTelemetry} bean) sends spans over OTLP/HTTP; wins over
	 * {@code OTEL_EXPORTER_OTLP_*}. Unset: the standard {@code OTEL_*} settings, else the
	 * sidecar ({@code http://127.0.0.1:4318/v1/traces}) when
	 * {@code bus.sidecar-client.url} is set.
	 */
	private URI otlpEndpoint;

	/**
	 * Share of new traces sampled by the SDK that Bus sets up (parent-based: a sampled
	 * parent is followed); {@code OTEL_TRACES_SAMPLER} and
	 * {@code OTEL_TRACES_SAMPLER_ARG} override it.
	 */
	private double samplingProbability = 1.0;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public URI getOtlpEndpoint() {
		return this.otlpEndpoint;
	}

	public void setOtlpEndpoint(URI otlpEndpoint) {
		this.otlpEndpoint = otlpEndpoint;
	}

	public double getSamplingProbability() {
		return this.samplingProbability;
	}

	public void setSamplingProbability(double samplingProbability) {
		this.samplingProbability = samplingProbability;
	}

	/** Checks the values at binding time, under {@code bus.tracing}. */
	void validate(Errors errors) {
		if (getSamplingProbability() < 0 || getSamplingProbability() > 1) {
			reject(errors, "samplingProbability", "range", "must be between 0 and 1");
		}
		URI otlp = getOtlpEndpoint();
		if (otlp != null && (!List.of("http", "https").contains(otlp.getScheme()) || otlp.getHost() == null)) {
			reject(errors, "otlpEndpoint", "format", "must be an http(s) URL such as http://127.0.0.1:4318/v1/traces");
		}
	}

}

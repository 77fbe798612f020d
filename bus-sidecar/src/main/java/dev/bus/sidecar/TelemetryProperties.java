package dev.bus.sidecar;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePort;
import static dev.bus.sidecar.SidecarPropertyChecks.requirePositive;

/**
 * The trace pipeline of the pod. The app sends spans to
 * {@code http://127.0.0.1:<port>/v1/traces} (OTLP/HTTP, protobuf or JSON); the sidecar
 * samples, adds the pod's resource attributes, batches and exports them.
 */
public class TelemetryProperties {

	/** Where spans go. */
	public enum Exporter {

		/**
		 * OTLP/HTTP protobuf, to Jaeger's OTLP receiver or any OpenTelemetry collector.
		 */
		OTLP,

		/** Zipkin v2 JSON. */
		ZIPKIN

	}

	/** Whether the sidecar receives and exports spans. */
	private boolean enabled = true;

	/** Port of the OTLP/HTTP receiver on 127.0.0.1. */
	private int port = 4318;

	/** Exporter: {@code otlp} (Jaeger) or {@code zipkin}. */
	private Exporter exporter = Exporter.OTLP;

	/**
	 * Export endpoint: the full URL spans are POSTed to, such as
	 * {@code http://jaeger-collector:4318/v1/traces} (OTLP) or
	 * {@code http://zipkin:9411/api/v2/spans} (Zipkin).
	 */
	private String endpoint = "http://jaeger-collector:4318/v1/traces";

	/**
	 * Headers sent with every OTLP export (for example an authorization token). Never
	 * logged.
	 */
	private Map<String, String> headers = new LinkedHashMap<>();

	/**
	 * Name of the SSL bundle ({@code spring.ssl.bundle.jks.<name>} or
	 * {@code spring.ssl.bundle.pem.<name>}) for an https OTLP endpoint: its trust store
	 * verifies the endpoint, its key store (if any) is the client's certificate for
	 * mutual TLS. Without it, the JDK's default trust store is used.
	 */
	private @Nullable String sslBundle;

	/**
	 * Share of traces kept, decided on the trace id so every service keeps or drops a
	 * trace alike.
	 */
	private double samplingRatio = 1.0;

	/** Most spans waiting for export; when full, the oldest are dropped (and counted). */
	private int maxQueueSize = 20_000;

	/** Most spans in one export. */
	private int maxBatchSize = 512;

	/** Longest a span waits for its batch to fill. */
	private Duration scheduleDelay = Duration.ofMillis(500);

	/** Timeout of one export call. */
	private Duration exportTimeout = Duration.ofSeconds(10);

	/**
	 * Export attempts per batch (backoff doubling from 500ms) before the batch is dropped
	 * and counted.
	 */
	private int maxExportAttempts = 4;

	/**
	 * Largest OTLP request accepted, after decompression ({@code 4MB}; a plain number is
	 * bytes); larger get 413.
	 */
	private DataSize maxRequestSize = DataSize.ofMegabytes(4);

	/**
	 * Resource attributes added to every span (the app's own win); k8s ones come from the
	 * environment.
	 */
	private Map<String, String> resourceAttributes = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public Exporter getExporter() {
		return this.exporter;
	}

	public void setExporter(Exporter exporter) {
		this.exporter = exporter;
	}

	public String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(String endpoint) {
		this.endpoint = endpoint;
	}

	public Map<String, String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(Map<String, String> headers) {
		this.headers = headers;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	public double getSamplingRatio() {
		return this.samplingRatio;
	}

	public void setSamplingRatio(double samplingRatio) {
		this.samplingRatio = samplingRatio;
	}

	public int getMaxQueueSize() {
		return this.maxQueueSize;
	}

	public void setMaxQueueSize(int maxQueueSize) {
		this.maxQueueSize = maxQueueSize;
	}

	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public void setMaxBatchSize(int maxBatchSize) {
		this.maxBatchSize = maxBatchSize;
	}

	public Duration getScheduleDelay() {
		return this.scheduleDelay;
	}

	public void setScheduleDelay(Duration scheduleDelay) {
		this.scheduleDelay = scheduleDelay;
	}

	public Duration getExportTimeout() {
		return this.exportTimeout;
	}

	public void setExportTimeout(Duration exportTimeout) {
		this.exportTimeout = exportTimeout;
	}

	public int getMaxExportAttempts() {
		return this.maxExportAttempts;
	}

	public void setMaxExportAttempts(int maxExportAttempts) {
		this.maxExportAttempts = maxExportAttempts;
	}

	public DataSize getMaxRequestSize() {
		return this.maxRequestSize;
	}

	public void setMaxRequestSize(DataSize maxRequestSize) {
		this.maxRequestSize = maxRequestSize;
	}

	public Map<String, String> getResourceAttributes() {
		return this.resourceAttributes;
	}

	public void setResourceAttributes(Map<String, String> resourceAttributes) {
		this.resourceAttributes = resourceAttributes;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.telemetry}. */
	void validate(Errors errors) {
		requirePort(errors, "port", getPort());
		if (getSamplingRatio() < 0 || getSamplingRatio() > 1) {
			errors.rejectValue("sampling-ratio", "invalid", "must be between 0 and 1");
		}
		if (getMaxQueueSize() < 1 || getMaxBatchSize() < 1 || getMaxBatchSize() > getMaxQueueSize()) {
			errors.rejectValue("max-batch-size", "invalid",
					"must be at least 1 and at most bus.sidecar.telemetry.max-queue-size");
		}
		if (getMaxExportAttempts() < 1) {
			errors.rejectValue("max-export-attempts", "invalid", "must be at least 1");
		}
		if (getSslBundle() != null) {
			if (getExporter() != Exporter.OTLP) {
				errors.rejectValue("ssl-bundle", "invalid",
						"applies to the otlp exporter only (bus.sidecar.telemetry.exporter)");
			}
			else if (!getEndpoint().startsWith("https:")) {
				errors.rejectValue("endpoint", "invalid",
						"must be an https URL when bus.sidecar.telemetry.ssl-bundle is set");
			}
		}
		if (getMaxRequestSize() == null || getMaxRequestSize().toBytes() < 1024
				|| getMaxRequestSize().toBytes() > Integer.MAX_VALUE) {
			errors.rejectValue("max-request-size", "invalid", "must be between 1KB and 2GB");
		}
		requirePositive(errors, "schedule-delay", getScheduleDelay());
		requirePositive(errors, "export-timeout", getExportTimeout());
		try {
			URI endpoint = new URI(getEndpoint());
			if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
					|| endpoint.getHost() == null) {
				errors.rejectValue("endpoint", "invalid", "must be an http or https URL");
			}
		}
		catch (Exception ex) {
			errors.rejectValue("endpoint", "invalid", "is not a valid URL");
		}
	}

}

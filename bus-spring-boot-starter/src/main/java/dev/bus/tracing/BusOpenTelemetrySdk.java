package dev.bus.tracing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The OpenTelemetry SDK for an application that has none, built by the SDK's own
 * autoconfiguration, so that every standard {@code OTEL_*} environment variable and
 * {@code otel.*} system property works as the OpenTelemetry documentation says (exporter,
 * endpoint, headers, protocol, sampler, resource attributes, propagators, batch
 * settings). Bus only supplies defaults, which those settings override: traces over
 * OTLP/HTTP (no metrics or logs), to the sidecar on loopback when there is one,
 * {@code service.name} from {@code spring.application.name}, parent-based ratio sampling,
 * W3C trace context and baggage. {@code bus.tracing.otlp-endpoint}, set explicitly in the
 * application's configuration, is the one setting that wins over {@code OTEL_*}.
 *
 * <p>
 * The batch span processor's queue is bounded and drops spans when full, so a slow or
 * absent collector never blocks the application; spans whose export failed are counted
 * and reported once per outage ({@link DroppedSpans}).
 */
public final class BusOpenTelemetrySdk {

	/** Where the sidecar receives OTLP/HTTP spans, on loopback. */
	public static final String SIDECAR_ENDPOINT = "http://127.0.0.1:4318/v1/traces";

	private BusOpenTelemetrySdk() {
	}

	/**
	 * @param serviceName default {@code service.name}
	 * @param samplingProbability default share of new traces sampled
	 * @param endpoint {@code bus.tracing.otlp-endpoint}, or {@code null}
	 * @param sidecar whether a sidecar runs beside the app (then it is the default
	 * endpoint)
	 * @param dropped where spans whose export failed are counted and reported
	 */
	public static OpenTelemetrySdk create(String serviceName, double samplingProbability, URI endpoint, boolean sidecar,
			DroppedSpans dropped) {
		Map<String, String> defaults = defaults(serviceName, samplingProbability,
				sidecar || (endpoint != null && isLoopback(endpoint)));
		return AutoConfiguredOpenTelemetrySdk.builder()
			.addPropertiesSupplier(() -> defaults)
			.addPropertiesCustomizer((config) -> (endpoint != null)
					? Map.of("otel.exporter.otlp.traces.endpoint", endpoint.toString()) : Map.of())
			.addSpanExporterCustomizer((exporter, config) -> dropped.counting(exporter,
					config.getString("otel.exporter.otlp.traces.endpoint",
							config.getString("otel.exporter.otlp.endpoint", "the trace collector"))))
			// the context closes it, after the listeners and publisher have stopped
			.disableShutdownHook()
			.build()
			.getOpenTelemetrySdk();
	}

	private static boolean isLoopback(URI endpoint) {
		String host = endpoint.getHost();
		return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host) || "::1".equals(host);
	}

	/**
	 * Bus's defaults, in the SDK's property names; {@code OTEL_*} and {@code otel.*}
	 * settings override them.
	 * @param sidecar whether spans go to a sidecar on loopback: then the default
	 * endpoint, and no retries (the sidecar is there or not, and retries toward the
	 * backend itself; the SDK's retries, about 8 s of backoff per batch, only held the
	 * export thread and the application's shutdown when the sidecar had gone first)
	 */
	static Map<String, String> defaults(String serviceName, double samplingProbability, boolean sidecar) {
		Map<String, String> defaults = new HashMap<>();
		defaults.put("otel.service.name", serviceName);
		defaults.put("otel.resource.attributes", "service.instance.id=" + UUID.randomUUID());
		defaults.put("otel.traces.exporter", "otlp");
		defaults.put("otel.metrics.exporter", "none");
		defaults.put("otel.logs.exporter", "none");
		defaults.put("otel.exporter.otlp.traces.protocol", "http/protobuf");
		defaults.put("otel.traces.sampler", "parentbased_traceidratio");
		defaults.put("otel.traces.sampler.arg", Double.toString(samplingProbability));
		defaults.put("otel.propagators", "tracecontext,baggage");
		if (sidecar) {
			defaults.put("otel.exporter.otlp.traces.endpoint", SIDECAR_ENDPOINT);
			defaults.put("otel.java.exporter.otlp.retry.disabled", "true");
		}
		return defaults;
	}

}

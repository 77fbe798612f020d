package dev.bus.tracing;

import java.util.UUID;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The OpenTelemetry SDK Bus creates for an application that has none: W3C trace context and baggage, parent-based
 * ratio sampling ({@code bus.tracing.sampling-probability}), batched OTLP/HTTP export. The batch processor's
 * queue is bounded and drops spans when full, so a slow or absent collector never blocks the application.
 */
public final class BusOpenTelemetrySdk {

	/** Where the sidecar receives OTLP/HTTP spans, on loopback. */
	public static final String SIDECAR_ENDPOINT = "http://127.0.0.1:4318/v1/traces";

	/** OTLP/HTTP's standard default. */
	static final String DEFAULT_ENDPOINT = "http://localhost:4318/v1/traces";

	private BusOpenTelemetrySdk() {
	}

	/**
	 * @param samplingProbability share of new traces sampled
	 * @param endpoint OTLP/HTTP traces endpoint ({@link #endpoint})
	 * @param serviceName {@code service.name}
	 */
	public static OpenTelemetrySdk create(double samplingProbability, String endpoint, String serviceName) {
		Resource resource = Resource.getDefault()
			.merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName,
					AttributeKey.stringKey("service.instance.id"), UUID.randomUUID().toString())));
		OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
		SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
			.setResource(resource)
			.setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplingProbability)))
			.addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
			.build();
		return OpenTelemetrySdk.builder()
			.setTracerProvider(tracerProvider)
			.setPropagators(ContextPropagators.create(TextMapPropagator
				.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
			.build();
	}

	/**
	 * Where spans go: {@code configured} when set; else the sidecar when there is one; else the standard
	 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT}; else OTLP's default.
	 */
	public static String endpoint(java.net.URI configured, boolean sidecar) {
		if (configured != null) {
			return configured.toString();
		}
		if (sidecar) {
			return SIDECAR_ENDPOINT;
		}
		String traces = System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
		if (traces != null && !traces.isBlank()) {
			return traces;
		}
		String base = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
		if (base != null && !base.isBlank()) {
			return base.replaceAll("/+$", "") + "/v1/traces";
		}
		return DEFAULT_ENDPOINT;
	}

}

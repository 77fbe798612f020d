package dev.bus.tracing;

import java.net.URI;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK Bus sets up through OpenTelemetry's autoconfiguration: Bus's defaults,
 * overridden by the standard {@code otel.*} settings (system properties here;
 * {@code OTEL_*} environment variables work the same way), and an explicit
 * {@code bus.tracing.otlp-endpoint} over both.
 */
class BusOpenTelemetrySdkTest {

	@AfterEach
	void clearSettings() {
		System.clearProperty("otel.traces.sampler");
		System.clearProperty("otel.service.name");
		System.clearProperty("otel.exporter.otlp.traces.endpoint");
	}

	@Test
	void busDefaultsApplyWhenNothingIsSet() {
		try (OpenTelemetrySdk sdk = BusOpenTelemetrySdk.create("orders", 1.0, null, true, new DroppedSpans())) {
			assertThat(sdk.getSdkTracerProvider().toString()).contains("service.name=\"orders\"")
				.contains("endpoint=" + BusOpenTelemetrySdk.SIDECAR_ENDPOINT)
				.contains("ParentBased{root:TraceIdRatioBased{1.000000}");
			assertThat(sdk.getPropagators().getTextMapPropagator().fields()).contains("traceparent", "baggage");
			// Not ended: nothing to export to a sidecar that is not there.
			Span span = sdk.getTracer("test").spanBuilder("sampled").startSpan();
			assertThat(span.getSpanContext().isSampled()).isTrue();
		}
	}

	@Test
	void noRetriesTowardTheSidecarOnlyTowardOtherCollectors() {
		assertThat(BusOpenTelemetrySdk.defaults("orders", 1.0, true))
			.containsEntry("otel.java.exporter.otlp.retry.disabled", "true");
		assertThat(BusOpenTelemetrySdk.defaults("orders", 1.0, false))
			.doesNotContainKey("otel.java.exporter.otlp.retry.disabled");
	}

	@Test
	void standardSettingsOverrideBusDefaults() {
		System.setProperty("otel.traces.sampler", "always_off");
		System.setProperty("otel.service.name", "from-otel");
		System.setProperty("otel.exporter.otlp.traces.endpoint", "http://collector.example:4318/v1/traces");
		try (OpenTelemetrySdk sdk = BusOpenTelemetrySdk.create("orders", 1.0, null, true, new DroppedSpans())) {
			assertThat(sdk.getSdkTracerProvider().toString()).contains("service.name=\"from-otel\"")
				.contains("endpoint=http://collector.example:4318/v1/traces");
			assertThat(sdk.getTracer("test").spanBuilder("dropped").startSpan().getSpanContext().isSampled()).isFalse();
		}
	}

	@Test
	void anExplicitBusEndpointWinsOverOtelSettings() {
		System.setProperty("otel.exporter.otlp.traces.endpoint", "http://collector.example:4318/v1/traces");
		try (OpenTelemetrySdk sdk = BusOpenTelemetrySdk.create("orders", 1.0,
				URI.create("http://127.0.0.1:14318/v1/traces"), false, new DroppedSpans())) {
			assertThat(sdk.getSdkTracerProvider().toString()).contains("endpoint=http://127.0.0.1:14318/v1/traces");
		}
	}

}

package dev.bus.autoconfigure;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.bus.tracing.BusOpenTelemetrySdk;
import dev.bus.tracing.DroppedSpans;
import dev.bus.tracing.OpenTelemetryBusObservationHandler;

/**
 * Tracing ({@code bus.tracing.enabled}, on by default when the OpenTelemetry API is on
 * the classpath): PRODUCER and CONSUMER spans with the context in the message headers,
 * through the application's {@link OpenTelemetry} bean, made by a handler of Bus's
 * observations ({@link BusObservationAutoConfiguration}). Bus never replaces that bean or
 * its propagators; only when there is none, and the OpenTelemetry SDK, its
 * autoconfiguration module and the OTLP exporter are on the classpath, does it have the
 * SDK's autoconfiguration build one ({@link BusOpenTelemetrySdk}): every {@code OTEL_*}
 * setting applies, and by default spans go over OTLP/HTTP to the sidecar on loopback when
 * {@code bus.sidecar-client.url} is set.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass(OpenTelemetry.class)
@ConditionalOnProperty(name = "bus.tracing.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BusProperties.class)
public final class BusTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OpenTelemetryBusObservationHandler busTracing(ObjectProvider<OpenTelemetry> openTelemetry,
			BusProperties properties) {
		// No bean and no SDK: the global instance (the OpenTelemetry Java agent's, or a
		// no-op).
		return new OpenTelemetryBusObservationHandler(openTelemetry.getIfAvailable(GlobalOpenTelemetry::get),
				properties.getExchange());
	}

	/** The OpenTelemetry SDK Bus sets up when the application has none. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ OpenTelemetrySdk.class, OtlpHttpSpanExporter.class, AutoConfiguredOpenTelemetrySdk.class })
	@ConditionalOnMissingBean(OpenTelemetry.class)
	static class BusOpenTelemetrySdkConfiguration {

		@Bean
		DroppedSpans busDroppedSpans() {
			return new DroppedSpans();
		}

		@Bean(destroyMethod = "close")
		OpenTelemetrySdk busOpenTelemetry(BusProperties properties, Environment environment, DroppedSpans dropped,
				ObjectProvider<LoggingSystem> loggingSystem) {
			loggingSystem.ifAvailable((system) -> BusTracingLogLevels.quietExporters(system, environment));
			TracingProperties tracing = properties.getTracing();
			return BusOpenTelemetrySdk.create(ApplicationName.of(environment), tracing.getSamplingProbability(),
					tracing.getOtlpEndpoint(), properties.getSidecarClient().getUrl() != null, dropped);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterBinder.class)
		static class DroppedSpansMeterConfiguration {

			@Bean
			MeterBinder busDroppedSpansMeter(DroppedSpans dropped) {
				return (registry) -> FunctionCounter.builder("bus.tracing.spans.dropped", dropped, DroppedSpans::count)
					.description("Spans dropped because their export (to the sidecar or the collector) failed")
					.register(registry);
			}

		}

	}

}

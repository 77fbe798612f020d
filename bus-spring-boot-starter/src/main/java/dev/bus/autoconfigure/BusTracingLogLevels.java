package dev.bus.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Default log levels for the OpenTelemetry exporters Bus sets up: off for their failure records, a SEVERE record
 * with a stack trace for every failed export (throttled to five a minute), which is what an app logged every few
 * seconds while its sidecar was gone. {@link dev.bus.tracing.DroppedSpans} reports the same once per outage, and
 * counts the spans. Added as default properties, the lowest precedence: any {@code logging.level.*} the
 * application sets for these loggers wins.
 */
public class BusTracingLogLevels implements EnvironmentPostProcessor {

	static final Map<String, Object> LEVELS = Map.of(
			"logging.level.io.opentelemetry.exporter.internal.http.HttpExporter", "off",
			"logging.level.io.opentelemetry.exporter.internal.grpc.GrpcExporter", "off");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		DefaultPropertiesPropertySource.addOrMerge(LEVELS, environment.getPropertySources());
	}

}

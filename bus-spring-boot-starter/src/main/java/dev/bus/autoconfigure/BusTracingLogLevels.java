package dev.bus.autoconfigure;

import java.util.List;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.Environment;

/**
 * Turns off the OTLP exporters' own failure records in an app whose OpenTelemetry SDK Bus
 * built: a SEVERE record with a stack trace for every failed export (throttled to five a
 * minute), which is what an app logged every few seconds while its sidecar was gone.
 * {@link dev.bus.tracing.DroppedSpans} reports the same once per outage and counts the
 * spans. Done through Boot's {@link LoggingSystem}, as the loggers endpoint does, and
 * only when the application sets no level for these loggers or a package above them: its
 * own setting always wins. An app with its own SDK keeps its exporters' logs untouched.
 */
final class BusTracingLogLevels {

	static final List<String> EXPORTER_LOGGERS = List.of("io.opentelemetry.exporter.internal.http.HttpExporter",
			"io.opentelemetry.exporter.internal.grpc.GrpcExporter");

	private BusTracingLogLevels() {
	}

	static void quietExporters(LoggingSystem loggingSystem, Environment environment) {
		for (String logger : EXPORTER_LOGGERS) {
			if (!levelSet(environment, logger)) {
				try {
					loggingSystem.setLogLevel(logger, LogLevel.OFF);
				}
				catch (UnsupportedOperationException ex) {
					return; // a logging system without levels: nothing to turn off
				}
			}
		}
	}

	/** Whether {@code logging.level.<logger>} or one for a package above it is set. */
	private static boolean levelSet(Environment environment, String logger) {
		for (String name = logger; !name.isEmpty(); name = name.contains(".") ? name.substring(0, name.lastIndexOf('.'))
				: "") {
			if (environment.containsProperty("logging.level." + name)) {
				return true;
			}
		}
		return false;
	}

}

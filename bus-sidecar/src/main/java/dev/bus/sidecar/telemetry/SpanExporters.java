package dev.bus.sidecar.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import zipkin2.reporter.urlconnection.URLConnectionSender;

import dev.bus.sidecar.SidecarProperties;

/**
 * The exporter {@code bus.sidecar.telemetry.exporter} names, from the OpenTelemetry SDK: OTLP/HTTP (Jaeger's
 * OTLP receiver, or any collector) with headers and TLS, or Zipkin v2 JSON.
 */
public final class SpanExporters {

	private SpanExporters() {
	}

	public static SpanExporter create(SidecarProperties.Telemetry settings) {
		return switch (settings.getExporter()) {
			case OTLP -> otlp(settings);
			case ZIPKIN -> ZipkinSpanExporter.builder()
				.setSender(URLConnectionSender.newBuilder()
					.endpoint(settings.getEndpoint())
					.readTimeout((int) settings.getExportTimeout().toMillis())
					.build())
				.build();
		};
	}

	private static SpanExporter otlp(SidecarProperties.Telemetry settings) {
		OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
			.setEndpoint(settings.getEndpoint())
			.setTimeout(settings.getExportTimeout())
			// the pipeline retries whole batches itself, with its own bound
			.setRetryPolicy(null);
		settings.getHeaders().forEach(builder::addHeader);
		if (settings.getTlsTrustedCertificates() != null) {
			builder.setTrustedCertificates(read(settings.getTlsTrustedCertificates()));
		}
		if (settings.getTlsClientKey() != null && settings.getTlsClientCertificate() != null) {
			builder.setClientTls(read(settings.getTlsClientKey()), read(settings.getTlsClientCertificate()));
		}
		return builder.build();
	}

	private static byte[] read(String path) {
		try {
			return Files.readAllBytes(Path.of(path));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + path, ex);
		}
	}

}

package dev.bus.sidecar.telemetry;

import java.util.Arrays;
import javax.net.ssl.X509TrustManager;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import zipkin2.reporter.urlconnection.URLConnectionSender;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.bus.sidecar.TelemetryProperties;

/**
 * The exporter {@code bus.sidecar.telemetry.exporter} names, from the OpenTelemetry SDK:
 * OTLP/HTTP (Jaeger's OTLP receiver, or any collector) with headers and TLS from an SSL
 * bundle, or Zipkin v2 JSON.
 */
public final class SpanExporters {

	private SpanExporters() {
	}

	/**
	 * @param settings {@code bus.sidecar.telemetry.*}
	 * @param sslBundles where {@code bus.sidecar.telemetry.ssl-bundle} is looked up
	 */
	public static SpanExporter create(TelemetryProperties settings, SslBundles sslBundles) {
		return switch (settings.getExporter()) {
			case OTLP -> otlp(settings, sslBundles);
			case ZIPKIN -> ZipkinSpanExporter.builder()
				.setSender(URLConnectionSender.newBuilder()
					.endpoint(settings.getEndpoint())
					.readTimeout((int) settings.getExportTimeout().toMillis())
					.build())
				.build();
		};
	}

	private static SpanExporter otlp(TelemetryProperties settings, SslBundles sslBundles) {
		OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
			.setEndpoint(settings.getEndpoint())
			.setTimeout(settings.getExportTimeout())
			// the pipeline retries whole batches itself, with its own bound
			.setRetryPolicy(null);
		settings.getHeaders().forEach(builder::addHeader);
		if (settings.getSslBundle() != null) {
			SslBundle bundle = sslBundles.getBundle(settings.getSslBundle());
			builder.setSslContext(bundle.createSslContext(), x509TrustManager(bundle));
		}
		return builder.build();
	}

	/** The exporter's HTTP client takes the trust manager apart from the context. */
	private static X509TrustManager x509TrustManager(SslBundle bundle) {
		return Arrays.stream(bundle.getManagers().getTrustManagers())
			.filter(X509TrustManager.class::isInstance)
			.map(X509TrustManager.class::cast)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(
					"SSL bundle of bus.sidecar.telemetry.ssl-bundle has no " + "X.509 trust manager"));
	}

}

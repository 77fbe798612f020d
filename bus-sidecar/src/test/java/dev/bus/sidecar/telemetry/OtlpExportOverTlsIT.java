package dev.bus.sidecar.telemetry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.test.Sidecars;
import dev.bus.sidecar.test.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OTLP export over mutual TLS with the certificates of an SSL bundle
 * ({@code bus.sidecar.telemetry.ssl-bundle}), as TLS to Consul: against an OTLP/HTTP
 * receiver that requires a client certificate signed by a test CA, and that reads what it
 * receives with the sidecar's own decoder.
 */
class OtlpExportOverTlsIT {

	@Test
	void exportsOverMutualTlsWithTheCertificatesOfAnSslBundle() throws Exception {
		TestCertificates certificates = TestCertificates.create();
		try (TlsReceiver receiver = TlsReceiver.start(certificates)) {
			String[] trustOnly = { "bus.sidecar.app.name=bus-it-otlp-tls", "bus.sidecar.app.port=1",
					"bus.sidecar.telemetry.endpoint=" + receiver.url(), "bus.sidecar.telemetry.ssl-bundle=otlp",
					"bus.sidecar.telemetry.schedule-delay=50ms", "bus.sidecar.telemetry.max-export-attempts=1",
					"bus.sidecar.telemetry.export-timeout=2s",
					"spring.ssl.bundle.pem.otlp.truststore.certificate=file:" + certificates.file("ca.crt") };
			List<SpanData> sent = SidecarTelemetryIT.spans("svc-tls", 3);
			try (ConfigurableApplicationContext sidecar = Sidecars.start(trustOnly)) {
				MeterRegistry meters = post(sidecar, sent);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> meters.counter("bus.sidecar.spans.dropped", "reason", "export-failed").count() == 3);
				assertThat(receiver.spans()).as("the receiver requires a client certificate").isEmpty();
			}
			String[] withClientCertificate = Arrays.copyOf(trustOnly, trustOnly.length + 2);
			withClientCertificate[trustOnly.length] = "spring.ssl.bundle.pem.otlp.keystore.certificate=file:"
					+ certificates.file("client.crt");
			withClientCertificate[trustOnly.length + 1] = "spring.ssl.bundle.pem.otlp.keystore.private-key=file:"
					+ certificates.file("client.key");
			try (ConfigurableApplicationContext sidecar = Sidecars.start(withClientCertificate)) {
				MeterRegistry meters = post(sidecar, sent);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> meters.counter("bus.sidecar.spans.exported").count() == 3);
				assertThat(receiver.spans()).extracting(ReceivedSpan::getName)
					.containsExactlyInAnyOrderElementsOf(sent.stream().map(SpanData::getName).toList());
				assertThat(receiver.spans()).extracting((span) -> span.getSpanContext().getTraceId())
					.containsOnly(sent.get(0).getTraceId());
			}
		}
	}

	private static MeterRegistry post(ConfigurableApplicationContext sidecar, List<SpanData> spans) throws Exception {
		assertThat(SidecarTelemetryIT
			.post(Sidecars.otlpTraces(sidecar), "application/x-protobuf", OtlpDecoderTest.protobuf(spans), false)
			.statusCode()).isEqualTo(200);
		return sidecar.getBean(MeterRegistry.class);
	}

	/**
	 * An OTLP/HTTP receiver over TLS on loopback that requires a client certificate
	 * signed by the test CA.
	 */
	private static final class TlsReceiver implements AutoCloseable {

		private final HttpsServer server;

		private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

		private TlsReceiver(HttpsServer server) {
			this.server = server;
		}

		static TlsReceiver start(TestCertificates certificates) throws IOException {
			SslBundle bundle = SslBundle.of(new PemSslStoreBundle(
					PemSslStoreDetails.forCertificate("file:" + certificates.file("server.crt"))
						.withPrivateKey("file:" + certificates.file("server.key")),
					PemSslStoreDetails.forCertificate("file:" + certificates.file("ca.crt"))));
			HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.setHttpsConfigurator(new HttpsConfigurator(bundle.createSslContext()) {

				@Override
				public void configure(HttpsParameters parameters) {
					SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
					ssl.setNeedClientAuth(true);
					parameters.setSSLParameters(ssl);
				}

			});
			TlsReceiver receiver = new TlsReceiver(server);
			server.createContext("/v1/traces", (exchange) -> {
				try (exchange) {
					receiver.spans.addAll(OtlpProtobufDecoder.decode(exchange.getRequestBody().readAllBytes()));
					exchange.sendResponseHeaders(200, -1);
				}
			});
			server.start();
			return receiver;
		}

		String url() {
			return "https://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
		}

		List<ReceivedSpan> spans() {
			return this.spans;
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

}

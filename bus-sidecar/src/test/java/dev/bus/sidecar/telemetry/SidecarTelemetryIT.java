package dev.bus.sidecar.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar's trace pipeline over HTTP, against the real Zipkin server: OTLP protobuf,
 * JSON and gzip in, Zipkin out with the pod's resource attributes; bad requests refused
 * and counted; a backend that is down costs dropped, counted spans and bounded memory,
 * while the receiver keeps answering at once.
 */
class SidecarTelemetryIT {

	private static final String ZIPKIN = "http://127.0.0.1:9411";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void spansInAnyOtlpEncodingReachZipkin() throws Exception {
		requireZipkin();
		try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-telemetry",
				"bus.sidecar.app.port=1", "bus.sidecar.telemetry.exporter=zipkin",
				"bus.sidecar.telemetry.endpoint=" + ZIPKIN + "/api/v2/spans",
				"bus.sidecar.telemetry.schedule-delay=100ms",
				"bus.sidecar.telemetry.resource-attributes.deployment.environment=it")) {
			String receiver = Sidecars.otlpTraces(sidecar);
			List<SpanData> protobufSpans = spans("svc-protobuf", 3);
			List<SpanData> jsonSpans = spans("svc-json", 2);
			List<SpanData> gzipSpans = spans("svc-gzip", 2);
			assertThat(post(receiver, "application/x-protobuf", OtlpDecoderTest.protobuf(protobufSpans), false)
				.statusCode()).isEqualTo(200);
			assertThat(post(receiver, "application/json", OtlpDecoderTest.json(jsonSpans), false).statusCode())
				.isEqualTo(200);
			assertThat(post(receiver, "application/x-protobuf", OtlpDecoderTest.protobuf(gzipSpans), true).statusCode())
				.isEqualTo(200);
			for (List<SpanData> sent : List.of(protobufSpans, jsonSpans, gzipSpans)) {
				String traceId = sent.get(0).getTraceId();
				JsonNode trace = await().atMost(Duration.ofSeconds(20))
					.until(() -> trace(traceId), (spans) -> spans.size() == sent.size());
				String service = sent.get(0).getResource().getAttribute(AttributeKey.stringKey("service.name"));
				assertThat(trace.valueStream().map((span) -> span.path("localEndpoint").path("serviceName").asString()))
					.containsOnly(service);
			}
			MeterRegistry meters = sidecar.getBean(MeterRegistry.class);
			assertThat(meters.counter("bus.sidecar.spans.received").count()).isEqualTo(7);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> meters.counter("bus.sidecar.spans.exported").count() == 7);
		}
	}

	@Test
	void badRequestsAreRefusedAndCounted() throws Exception {
		try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-telemetry",
				"bus.sidecar.app.port=1", "bus.sidecar.telemetry.max-request-size=2048",
				"bus.sidecar.telemetry.endpoint=http://127.0.0.1:1/v1/traces")) {
			String receiver = Sidecars.otlpTraces(sidecar);
			byte[] valid = OtlpDecoderTest.protobuf(spans("svc", 1));
			assertThat(post(receiver, "application/x-protobuf", java.util.Arrays.copyOf(valid, valid.length - 3), false)
				.statusCode()).isEqualTo(400);
			assertThat(post(receiver, "application/json", "{\"resourceSpans\": [".getBytes(), false).statusCode())
				.isEqualTo(400);
			assertThat(post(receiver, "application/json", "{\"resourceSpans\": {\"a\": {}}}".getBytes(), false)
				.statusCode()).as("a JSON body of the wrong shape").isEqualTo(400);
			assertThat(send(receiver, "application/x-protobuf", "gzip", valid).statusCode())
				.as("a gzip header on a body that is not gzip")
				.isEqualTo(400);
			assertThat(send(receiver, "application/x-protobuf", "br", valid).statusCode()).isEqualTo(415);
			assertThat(post(receiver, "text/plain", valid, false).statusCode()).isEqualTo(415);
			assertThat(post(receiver, "application/x-protobuf", new byte[4096], false).statusCode()).isEqualTo(413);
			assertThat(HTTP
				.send(HttpRequest.newBuilder(URI.create(receiver)).GET().build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).isEqualTo(405);
			MeterRegistry meters = sidecar.getBean(MeterRegistry.class);
			assertThat(meters.counter("bus.sidecar.otlp.rejected", "reason", "malformed").count()).isEqualTo(4);
			assertThat(meters.counter("bus.sidecar.otlp.rejected", "reason", "content-encoding").count()).isEqualTo(1);
			assertThat(meters.counter("bus.sidecar.otlp.rejected", "reason", "content-type").count()).isEqualTo(1);
			assertThat(meters.counter("bus.sidecar.otlp.rejected", "reason", "too-large").count()).isEqualTo(1);
			assertThat(meters.counter("bus.sidecar.spans.received").count()).isZero();
			// still serving
			assertThat(post(receiver, "application/x-protobuf", valid, false).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aBackendThatIsDownCostsDroppedSpansNotMemoryOrLatency() throws Exception {
		try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-telemetry",
				"bus.sidecar.app.port=1", "bus.sidecar.telemetry.endpoint=http://127.0.0.1:1/v1/traces",
				"bus.sidecar.telemetry.max-queue-size=1000", "bus.sidecar.telemetry.max-batch-size=200",
				"bus.sidecar.telemetry.max-export-attempts=2", "bus.sidecar.telemetry.export-timeout=1s",
				"bus.sidecar.telemetry.schedule-delay=50ms")) {
			String receiver = Sidecars.otlpTraces(sidecar);
			byte[] request = OtlpDecoderTest.protobuf(spans("svc-down", 100));
			long slowest = 0;
			for (int i = 0; i < 50; i++) {
				long started = System.nanoTime();
				assertThat(post(receiver, "application/x-protobuf", request, false).statusCode()).isEqualTo(200);
				slowest = Math.max(slowest, System.nanoTime() - started);
			}
			MeterRegistry meters = sidecar.getBean(MeterRegistry.class);
			double queued = meters.get("bus.sidecar.spans.queued").gauge().value();
			assertThat(queued).as("the queue stays bounded").isLessThanOrEqualTo(1000);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> meters.counter("bus.sidecar.spans.dropped", "reason", "export-failed").count() > 0);
			double droppedFull = meters.counter("bus.sidecar.spans.dropped", "reason", "queue-full").count();
			System.out.printf(
					"[telemetry backend down] received 5000 spans; slowest receive %d ms; dropped: queue full "
							+ "%.0f, export failed %.0f; exported %.0f%n",
					slowest / 1_000_000, droppedFull,
					meters.counter("bus.sidecar.spans.dropped", "reason", "export-failed").count(),
					meters.counter("bus.sidecar.spans.exported").count());
			assertThat(droppedFull).as("the oldest spans made room").isGreaterThan(0);
			assertThat(meters.counter("bus.sidecar.spans.exported").count()).isZero();
		}
	}

	/** Real spans from the SDK: a root and its children, one trace. */
	static List<SpanData> spans(String service, int count) {
		InMemorySpanExporter capture = InMemorySpanExporter.create();
		try (SdkTracerProvider provider = SdkTracerProvider.builder()
			.setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
			.addSpanProcessor(SimpleSpanProcessor.create(capture))
			.build()) {
			var tracer = provider.get("test");
			var root = tracer.spanBuilder("root").setSpanKind(SpanKind.SERVER).startSpan();
			try (var scope = root.makeCurrent()) {
				for (int i = 1; i < count; i++) {
					tracer.spanBuilder("child-" + i).setSpanKind(SpanKind.PRODUCER).startSpan().end();
				}
			}
			root.end();
			// before closing the provider, which clears the exporter
			return capture.getFinishedSpanItems();
		}
	}

	private static HttpResponse<String> send(String url, String contentType, String contentEncoding, byte[] body)
			throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", contentType)
			.header("Content-Encoding", contentEncoding)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> post(String url, String contentType, byte[] body, boolean gzip)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType);
		if (gzip) {
			ByteArrayOutputStream compressed = new ByteArrayOutputStream();
			try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
				out.write(body);
			}
			body = compressed.toByteArray();
			request.header("Content-Encoding", "gzip");
		}
		return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode trace(String traceId) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(URI.create(ZIPKIN + "/api/v2/trace/" + traceId)).build(),
				HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 200) ? JSON.readTree(response.body()) : JSON.createArrayNode();
	}

	private static void requireZipkin() {
		try {
			HTTP.send(HttpRequest.newBuilder(URI.create(ZIPKIN + "/health")).build(),
					HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException | InterruptedException ex) {
			throw new AssertionError(
					"Zipkin is not running on " + ZIPKIN + ". Start the test infrastructure with: scripts/infra up",
					ex);
		}
	}

}

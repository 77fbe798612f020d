package dev.bus.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Span load for the sidecar's trace pipeline (benchmark F,
 * {@code scripts/bench-sidecar}): OTLP/HTTP protobuf requests of Bus-like spans, encoded
 * by the OpenTelemetry SDK, posted from several threads for a fixed time, as fast as the
 * receiver answers or at a fixed rate (each thread paces its requests to its share of the
 * rate; a thread that falls behind sends at once, so the printed rate says whether the
 * target was reached). Prints the spans the receiver accepted per second.
 *
 * <pre>
 * SpanLoad &lt;url&gt; &lt;seconds&gt; [threads] [spans per request] [spans per second, 0: as fast as it can]
 * </pre>
 */
public final class SpanLoad {

	private SpanLoad() {
	}

	public static void main(String[] args) throws Exception {
		URI url = URI.create(args[0]);
		long seconds = Long.parseLong(args[1]);
		int threads = (args.length > 2) ? Integer.parseInt(args[2]) : 4;
		int spansPerRequest = (args.length > 3) ? Integer.parseInt(args[3]) : 100;
		long rate = (args.length > 4) ? Long.parseLong(args[4]) : 0;
		// per thread, in ns
		long interval = (rate > 0) ? 1_000_000_000L * threads * spansPerRequest / rate : 0;
		byte[] body = request(spansPerRequest);
		HttpClient http = HttpClient.newHttpClient();
		AtomicLong accepted = new AtomicLong();
		AtomicLong refused = new AtomicLong();
		long deadline = System.nanoTime() + seconds * 1_000_000_000L;
		long start = System.nanoTime();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			// the threads take turns rather than send together
			long offset = interval * i / threads;
			Thread worker = new Thread(() -> {
				HttpRequest request = HttpRequest.newBuilder(url)
					.header("Content-Type", "application/x-protobuf")
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build();
				long next = start + offset;
				while (System.nanoTime() < deadline) {
					next += interval;
					LockSupport.parkNanos(next - System.nanoTime());
					try {
						int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
						((status == 200) ? accepted : refused).incrementAndGet();
					}
					catch (Exception ex) {
						refused.incrementAndGet();
					}
				}
			});
			worker.start();
			workers.add(worker);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		System.out.printf("requests %d (refused %d), spans %d, %.1f s, %.0f spans/s%n", accepted.get(), refused.get(),
				accepted.get() * spansPerRequest, elapsed, accepted.get() * spansPerRequest / elapsed);
	}

	/**
	 * One OTLP request with {@code count} spans shaped like Bus's (publish and process
	 * pairs, ten attributes).
	 */
	private static byte[] request(int count) throws Exception {
		InMemorySpanExporter capture = InMemorySpanExporter.create();
		try (SdkTracerProvider provider = SdkTracerProvider.builder()
			.setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "span-load")))
			.addSpanProcessor(SimpleSpanProcessor.create(capture))
			.build()) {
			var tracer = provider.get("dev.bus");
			for (int i = 0; i < count / 2; i++) {
				Span publish = tracer.spanBuilder("publish orders.created")
					.setSpanKind(SpanKind.PRODUCER)
					.setAttribute("messaging.system", "rabbitmq")
					.setAttribute("messaging.operation.type", "send")
					.setAttribute("messaging.destination.name", "bus")
					.setAttribute("messaging.rabbitmq.destination.routing_key", "orders.created")
					.setAttribute("messaging.message.id", "message-" + i)
					.setAttribute("messaging.message.body.size", 256L)
					.startSpan();
				try (Scope scope = publish.makeCurrent()) {
					tracer.spanBuilder("process orders.created")
						.setSpanKind(SpanKind.CONSUMER)
						.setAttribute("messaging.system", "rabbitmq")
						.setAttribute("messaging.operation.type", "process")
						.setAttribute("messaging.consumer.group.name", "inventory")
						.setAttribute("messaging.destination.subscription.name", "inventory.orders.created")
						.setAttribute("messaging.message.id", "message-" + i)
						.setAttribute("bus.attempt", 1L)
						.startSpan()
						.end();
				}
				publish.end();
			}
			// encoded before closing the provider, which clears the exporter
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			TraceRequestMarshaler.create(capture.getFinishedSpanItems()).writeBinaryTo(out);
			return out.toByteArray();
		}
	}

}

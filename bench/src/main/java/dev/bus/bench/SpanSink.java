package dev.bus.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpServer;

/**
 * An OTLP/HTTP receiver that accepts every export and discards it, started on first use
 * in the benchmark's JVM: where the "→ sink" contenders of scenario D send their spans,
 * so that the JVM CPU they measure is the app's (Bus's tracing and the SDK's export) and
 * not a span pipeline's. Reading and dropping a request costs a few microseconds per
 * batch of up to 512 spans.
 * <p>
 * Also a process of its own ({@code scripts/bench-sidecar}), where the sidecar exports to
 * it to measure the sidecar's forwarding capacity against a backend that is never the
 * bottleneck:
 *
 * <pre>
 * SpanSink &lt;port&gt;      runs until stopped, then prints what it took
 * </pre>
 */
public final class SpanSink implements AutoCloseable {

	private HttpServer server;

	private final LongAdder requests = new LongAdder();

	private final LongAdder bytes = new LongAdder();

	private final int port;

	SpanSink() {
		this(0);
	}

	private SpanSink(int port) {
		this.port = port;
	}

	public static void main(String[] args) throws InterruptedException {
		SpanSink sink = new SpanSink(Integer.parseInt(args[0]));
		sink.otlpEndpoint();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.out.printf("span sink: %,d exports, %,d KB%n", sink.requests.sum(), sink.bytes.sum() / 1024);
			sink.close();
		}));
		Thread.currentThread().join();
	}

	synchronized String otlpEndpoint() {
		if (this.server == null) {
			try {
				this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", this.port), 64);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start the span sink", ex);
			}
			this.server.createContext("/v1/traces", (exchange) -> {
				try (InputStream body = exchange.getRequestBody()) {
					this.bytes.add(body.transferTo(java.io.OutputStream.nullOutputStream()));
				}
				this.requests.increment();
				// An empty ExportTraceServiceResponse: zero bytes of protobuf.
				exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			this.server.start();
		}
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	/** What the sink took, for the report; empty when it never ran. */
	synchronized String summary() {
		return (this.server == null) ? "" : String.format("D: the span sink took %,d exports (%,d KB).%n",
				this.requests.sum(), this.bytes.sum() / 1024);
	}

	@Override
	public synchronized void close() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

}

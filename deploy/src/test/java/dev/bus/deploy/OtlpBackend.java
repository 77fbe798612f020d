package dev.bus.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A trace backend on loopback that takes OTLP/HTTP exports, counts them and answers 200.
 */
final class OtlpBackend implements AutoCloseable {

	/** One span in OTLP/JSON, as an app would send it to the sidecar. */
	static final String ONE_SPAN = """
			{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"image-it"}}]},
			"scopeSpans":[{"scope":{"name":"dev.bus"},"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",
			"spanId":"b7ad6b7169203331","name":"publish orders.created","kind":4,
			"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]}]}""";

	private final HttpServer server;

	private final AtomicInteger exports = new AtomicInteger();

	OtlpBackend() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
		this.server.createContext("/v1/traces", (exchange) -> {
			try (InputStream body = exchange.getRequestBody()) {
				body.transferTo(OutputStream.nullOutputStream());
			}
			this.exports.incrementAndGet();
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	int exports() {
		return this.exports.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}

package dev.bus.sidecar.telemetry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bus.sidecar.web.JsonExchange;

/**
 * The OTLP/HTTP trace receiver on 127.0.0.1: {@code POST /v1/traces} with a protobuf
 * ({@code application/x-protobuf}) or JSON ({@code application/json})
 * {@code ExportTraceServiceRequest}, optionally gzip-compressed. Accepted spans go to the
 * {@link SpanPipeline} without waiting for the export. A request that cannot be used gets
 * a 4xx and is counted by reason; nothing it contains is passed on.
 */
public class OtlpReceiverHandler implements HttpHandler {

	private static final Log log = LogFactory.getLog(OtlpReceiverHandler.class);

	private final SpanPipeline pipeline;

	private final int maxRequestBytes;

	private final MeterRegistry meters;

	public OtlpReceiverHandler(SpanPipeline pipeline, int maxRequestBytes, MeterRegistry meters) {
		this.pipeline = pipeline;
		this.maxRequestBytes = maxRequestBytes;
		this.meters = meters;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"/v1/traces".equals(exchange.getRequestURI().getPath())) {
				reject(exchange, 404, "not-found", "only /v1/traces is served here");
				return;
			}
			if (!"POST".equals(exchange.getRequestMethod())) {
				reject(exchange, 405, "method", "OTLP/HTTP takes POST");
				return;
			}
			String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
			boolean json = contentType.startsWith("application/json");
			if (!json && !contentType.startsWith("application/x-protobuf")) {
				reject(exchange, 415, "content-type",
						"Content-Type must be application/x-protobuf or application/json");
				return;
			}
			String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
			boolean gzip = "gzip".equalsIgnoreCase(encoding);
			if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding)) {
				reject(exchange, 415, "content-encoding", "Content-Encoding must be gzip or identity");
				return;
			}
			byte[] body;
			try {
				body = readBody(exchange, gzip);
			}
			catch (ZipException | EOFException ex) {
				reject(exchange, 400, "malformed", "body is not gzip, or is cut short");
				return;
			}
			if (body == null) {
				reject(exchange, 413, "too-large", "request larger than " + this.maxRequestBytes + " bytes");
				return;
			}
			List<ReceivedSpan> spans;
			try {
				spans = json ? OtlpJsonDecoder.decode(body) : OtlpProtobufDecoder.decode(body);
			}
			catch (MalformedOtlpException ex) {
				reject(exchange, 400, "malformed", "malformed OTLP request: " + ex.getMessage());
				return;
			}
			this.pipeline.accept(spans);
			// An empty ExportTraceServiceResponse: full success.
			if (json) {
				JsonExchange.send(exchange, 200, "application/json",
						"{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			else {
				JsonExchange.send(exchange, 200, "application/x-protobuf", new byte[0]);
			}
		}
	}

	/**
	 * The body, gunzipped when so encoded; null when larger than the limit (before or
	 * after decompression).
	 */
	private byte[] readBody(HttpExchange exchange, boolean gzip) throws IOException {
		InputStream in = exchange.getRequestBody();
		if (gzip) {
			in = new GZIPInputStream(in);
		}
		byte[] body = in.readNBytes(this.maxRequestBytes + 1);
		return (body.length > this.maxRequestBytes) ? null : body;
	}

	private void reject(HttpExchange exchange, int status, String reason, String message) throws IOException {
		this.meters.counter("bus.sidecar.otlp.rejected", "reason", reason).increment();
		log.debug("Rejected an OTLP request (" + status + "): " + message);
		JsonExchange.send(exchange, status, "application/json",
				("{\"code\":" + status + ",\"message\":\"" + message.replace("\"", "'") + "\"}")
					.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

}

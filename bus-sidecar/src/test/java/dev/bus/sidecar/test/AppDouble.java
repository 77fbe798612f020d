package dev.bus.sidecar.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The app beside the sidecar, reduced to what the sidecar reads from it: its actuator
 * health (whose answer a test sets: a status, garbage, or no answer in time) and its
 * {@code bus} endpoint. Listens on loopback.
 */
public final class AppDouble implements AutoCloseable {

	private final HttpServer server;

	private volatile int healthCode = 200;

	private volatile String healthBody = "{\"status\":\"UP\"}";

	private volatile Duration healthDelay = Duration.ZERO;

	private volatile String busBody = "{\"listeners\":[{\"topic\":\"orders.created\"},{\"topic\":\"payments.#\"}],"
			+ "\"publisher\":{\"topics\":[\"inventory.reserved\"]}}";

	private volatile boolean servesAsyncApi;

	private AppDouble(int port) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.createContext("/actuator/health", (exchange) -> {
			sleep(this.healthDelay);
			respond(exchange, this.healthCode, this.healthBody);
		});
		this.server.createContext("/actuator/bus", (exchange) -> respond(exchange, 200, this.busBody));
		this.server.createContext("/actuator/asyncapi",
				(exchange) -> respond(exchange, this.servesAsyncApi ? 200 : 404, "{\"asyncapi\":\"3.0.0\"}"));
		this.server.start();
	}

	public static AppDouble start() {
		return start(0);
	}

	public static AppDouble start(int port) {
		try {
			return new AppDouble(port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	public void up() {
		health(200, "{\"status\":\"UP\"}");
	}

	public void down() {
		health(503, "{\"status\":\"DOWN\",\"components\":{\"bus\":{\"status\":\"DOWN\"}}}");
	}

	public void health(int code, String body) {
		this.healthDelay = Duration.ZERO;
		this.healthCode = code;
		this.healthBody = body;
	}

	public void answerHealthAfter(Duration delay) {
		this.healthDelay = delay;
	}

	public void bus(String body) {
		this.busBody = body;
	}

	/**
	 * Whether {@code /actuator/asyncapi} answers (404 until then, as an app that does not
	 * expose it).
	 */
	public void servesAsyncApi(boolean serves) {
		this.servesAsyncApi = serves;
	}

	private static void respond(HttpExchange exchange, int code, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		if ("HEAD".equals(exchange.getRequestMethod())) {
			exchange.sendResponseHeaders(code, -1);
			exchange.close();
			return;
		}
		exchange.sendResponseHeaders(code, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}

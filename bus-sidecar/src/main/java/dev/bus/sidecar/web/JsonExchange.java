package dev.bus.sidecar.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the sidecar's HTTP answers: JSON bodies and the small error body every failure
 * gets.
 */
public final class JsonExchange {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonExchange() {
	}

	static void json(HttpExchange exchange, int status, Object body) throws IOException {
		send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
	}

	static void error(HttpExchange exchange, int status, String message) throws IOException {
		json(exchange, status, Map.of("status", status, "error", message));
	}

	public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

package dev.bus.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Zipkin server on 127.0.0.1:9411, read through its v2 API. Fails, never skips,
 * when it is not running.
 */
public final class Zipkin {

	public static final String URL = "http://127.0.0.1:9411";

	/** Where the sidecar's Zipkin exporter posts spans. */
	public static final String SPANS_ENDPOINT = URL + "/api/v2/spans";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Zipkin() {
	}

	public static void requireRunning() {
		try {
			if (get("/health").statusCode() == 200) {
				return;
			}
		}
		catch (IOException ex) {
			// fall through
		}
		throw new AssertionError(
				"Zipkin is not running on " + URL + ". Start the test infrastructure with: scripts/infra up");
	}

	/** The spans of a trace (an empty array until Zipkin has any). */
	public static JsonNode trace(String traceId) throws IOException {
		HttpResponse<String> response = get("/api/v2/trace/" + traceId);
		return (response.statusCode() == 200) ? JSON.readTree(response.body()) : JSON.createArrayNode();
	}

	private static HttpResponse<String> get(String path) throws IOException {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

}

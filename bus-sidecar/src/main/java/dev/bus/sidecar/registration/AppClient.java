package dev.bus.sidecar.registration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.sidecar.SidecarProperties;

/**
 * Reads the app's actuator on 127.0.0.1: its health (every heartbeat) and its {@code bus} endpoint (the topics it
 * listens to and publishes, registered as Consul metadata). Anything but a well-formed answer in time counts as
 * failing, with the reason kept for the check's output and the log.
 */
public class AppClient {

	/** The app's bus topics, as its {@code bus} actuator endpoint reports them. */
	public record BusTopics(Set<String> listens, Set<String> publishes) {

		static final BusTopics UNKNOWN = new BusTopics(Set.of(), Set.of());

	}

	private static final int MAX_HEALTH_BODY = 64 * 1024;

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	private final URI healthUri;

	private final URI busUri;

	private final Duration timeout;

	public AppClient(SidecarProperties.App app) {
		this.timeout = app.getTimeout();
		this.http = HttpClient.newBuilder().connectTimeout(this.timeout).build();
		String base = "http://127.0.0.1:" + app.actuatorPort();
		this.healthUri = URI.create(base + app.getHealthPath());
		this.busUri = URI.create(base + app.getBusPath());
	}

	public AppHealth health() {
		HttpResponse<String> response;
		try {
			response = get(this.healthUri);
		}
		catch (HttpTimeoutException ex) {
			return AppHealth.failing("app unreachable: no health answer within " + this.timeout.toMillis() + " ms");
		}
		catch (IOException ex) {
			return AppHealth.failing("app unreachable: " + ex.getClass().getSimpleName() + " on " + this.healthUri);
		}
		// Actuator answers 503 with a DOWN body: the body decides, the status code only when there is no body.
		String body = response.body();
		if (body.length() > MAX_HEALTH_BODY) {
			return AppHealth.failing("app health answer too large (" + body.length() + " chars)");
		}
		try {
			JsonNode status = this.json.readTree(body).get("status");
			if (status == null || !status.isString()) {
				return AppHealth.failing("app health answer has no status (HTTP " + response.statusCode() + ")");
			}
			return AppHealth.fromActuatorStatus(status.asString());
		}
		catch (JacksonException ex) {
			return AppHealth.failing("app health answer is not JSON (HTTP " + response.statusCode() + ")");
		}
	}

	/** The app's topics, or {@link BusTopics#UNKNOWN} when it has no {@code bus} endpoint or it cannot be read. */
	public BusTopics busTopics() {
		try {
			HttpResponse<String> response = get(this.busUri);
			if (response.statusCode() != 200) {
				return BusTopics.UNKNOWN;
			}
			JsonNode root = this.json.readTree(response.body());
			Set<String> listens = new TreeSet<>();
			for (JsonNode listener : root.path("listeners")) {
				listens.add(listener.path("topic").asString());
			}
			Set<String> publishes = new TreeSet<>();
			for (JsonNode topic : root.path("publisher").path("topics")) {
				publishes.add(topic.asString());
			}
			listens.remove("");
			publishes.remove("");
			return new BusTopics(listens, publishes);
		}
		catch (IOException | JacksonException ex) {
			return BusTopics.UNKNOWN;
		}
	}

	private HttpResponse<String> get(URI uri) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.GET()
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

}

package dev.bus.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Address;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the Bus sidecar's local API ({@code /v1/brokers}, see docs/sidecar.md) for the broker nodes Consul holds
 * as passing.
 */
public class SidecarClient {

	/** The broker nodes at one index of the sidecar; {@code known} is false until the sidecar heard Consul. */
	public record BrokerNodes(long index, boolean known, List<Address> addresses) {
	}

	private final HttpClient http;

	private final JsonMapper json;

	private final URI baseUrl;

	private final Duration timeout;

	public SidecarClient(URI baseUrl, Duration timeout, JsonMapper json) {
		this.baseUrl = baseUrl;
		this.timeout = timeout;
		this.json = json;
		this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
	}

	public URI baseUrl() {
		return this.baseUrl;
	}

	/** The broker nodes now. */
	public BrokerNodes brokers() throws IOException, InterruptedException {
		return get("/v1/brokers", this.timeout);
	}

	/** Long poll: answers when the sidecar's index differs from {@code index}, or after {@code wait}. */
	public BrokerNodes brokersAfter(long index, Duration wait) throws IOException, InterruptedException {
		return get("/v1/brokers?index=" + index + "&wait=" + wait.toMillis() + "ms", wait.plus(this.timeout));
	}

	private BrokerNodes get(String path, Duration requestTimeout) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.baseUrl.resolve(path)).timeout(requestTimeout).GET().build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("Sidecar answered HTTP " + response.statusCode() + " for " + path);
		}
		try {
			JsonNode body = this.json.readTree(response.body());
			List<Address> addresses = new ArrayList<>();
			for (JsonNode instance : body.path("instances")) {
				String host = instance.path("address").asString();
				int port = instance.path("port").asInt();
				if (!host.isEmpty() && port > 0) {
					addresses.add(new Address(host, port));
				}
			}
			return new BrokerNodes(body.path("index").asLong(), body.path("known").asBoolean(),
					List.copyOf(addresses));
		}
		catch (JacksonException ex) {
			throw new IOException("Sidecar answered " + path + " with a body that is not the expected JSON", ex);
		}
	}

}

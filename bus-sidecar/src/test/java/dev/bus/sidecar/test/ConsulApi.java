package dev.bus.sidecar.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Consul agent's HTTP API, called directly (not through the code under test) to
 * arrange and inspect what the tests need. Fails, never skips, when the agent is not
 * running.
 */
public final class ConsulApi {

	public static final String URL = "http://127.0.0.1:8500";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String url;

	private final String aclToken;

	public ConsulApi(String url) {
		this(url, null);
	}

	public ConsulApi(String url, String aclToken) {
		this.url = url;
		this.aclToken = aclToken;
	}

	/** The agent {@code scripts/infra up} runs, checked to be up. */
	public static ConsulApi local() {
		ConsulApi consul = new ConsulApi(URL);
		if (!consul.isUp()) {
			throw new AssertionError(
					"Consul is not running on " + URL + ". Start the test infrastructure with: scripts/infra up");
		}
		return consul;
	}

	public String url() {
		return this.url;
	}

	public boolean isUp() {
		try {
			HttpResponse<String> response = send("GET", "/v1/status/leader", null);
			return response.statusCode() == 200 && response.body().length() > 2;
		}
		catch (java.io.UncheckedIOException ex) {
			return false;
		}
	}

	/** The agent's services, by id. */
	public Map<String, JsonNode> services() {
		JsonNode body = json("GET", "/v1/agent/services", null);
		Map<String, JsonNode> services = new java.util.LinkedHashMap<>();
		body.properties().forEach((entry) -> services.put(entry.getKey(), entry.getValue()));
		return services;
	}

	/**
	 * The status of a check ({@code passing}, {@code warning}, {@code critical}), or null
	 * when unknown.
	 */
	public String checkStatus(String checkId) {
		JsonNode check = json("GET", "/v1/agent/checks", null).get(checkId);
		return (check != null) ? check.path("Status").asString() : null;
	}

	public String checkOutput(String checkId) {
		JsonNode check = json("GET", "/v1/agent/checks", null).get(checkId);
		return (check != null) ? check.path("Output").asString() : null;
	}

	/** Whether the instance has Consul's maintenance check (critical) on it. */
	public boolean inMaintenance(String serviceId) {
		return checkStatus("_service_maintenance:" + serviceId) != null;
	}

	/**
	 * Puts an instance in maintenance, or takes it out, as {@code consul maint -service}
	 * does.
	 */
	public void maintenance(String serviceId, boolean enable, String reason) {
		expectOk(
				send("PUT",
						"/v1/agent/service/maintenance/" + serviceId + "?enable=" + enable + "&reason="
								+ java.net.URLEncoder.encode(reason, java.nio.charset.StandardCharsets.UTF_8),
						""),
				"maintenance " + serviceId);
	}

	/** Writes a KV entry. */
	public void putKv(String key, String value) {
		expectOk(send("PUT", "/v1/kv/" + key, value), "put " + key);
	}

	/** Deletes every KV entry under a prefix. */
	public void deleteKvTree(String prefix) {
		expectOk(send("DELETE", "/v1/kv/" + prefix + "?recurse", ""), "delete " + prefix);
	}

	/**
	 * Registers a service instance with a TTL check of its own (as a broker node would
	 * be).
	 */
	public void registerWithTtl(String name, String id, int port, String initialStatus) {
		String body = "{\"Name\":\"" + name + "\",\"ID\":\"" + id + "\",\"Address\":\"127.0.0.1\",\"Port\":" + port
				+ ",\"Check\":{\"TTL\":\"10m\",\"Status\":\"" + initialStatus + "\"}}";
		expectOk(send("PUT", "/v1/agent/service/register", body), "register " + id);
	}

	/** Sets a TTL check: {@code pass}, {@code warn} or {@code fail}. */
	public void ttl(String serviceId, String verb) {
		expectOk(send("PUT", "/v1/agent/check/" + verb + "/service:" + serviceId, ""), verb + " " + serviceId);
	}

	public void deregister(String serviceId) {
		expectOk(send("PUT", "/v1/agent/service/deregister/" + serviceId, ""), "deregister " + serviceId);
	}

	/** The ids of the passing instances of a service, from Consul's health API. */
	public List<String> passing(String service) {
		JsonNode body = json("GET", "/v1/health/service/" + service + "?passing=true", null);
		return body.valueStream().map((entry) -> entry.path("Service").path("ID").asString()).toList();
	}

	/**
	 * Creates an ACL policy with {@code rules} (HCL) and a token holding it (needs a
	 * management token).
	 * @return the token's secret
	 */
	public String createToken(String name, String rules) {
		String policy = json("PUT", "/v1/acl/policy",
				JSON.createObjectNode().put("Name", name).put("Rules", rules).toString())
			.path("ID")
			.asString();
		tools.jackson.databind.node.ObjectNode token = JSON.createObjectNode().put("Description", name);
		token.putArray("Policies").addObject().put("ID", policy);
		return json("PUT", "/v1/acl/token", token.toString()).path("SecretID").asString();
	}

	/**
	 * The HTTP status Consul answers a request with (the request's own outcome, whatever
	 * it is).
	 */
	public int status(String method, String path, String body) {
		return send(method, path, body).statusCode();
	}

	private JsonNode json(String method, String path, String body) {
		HttpResponse<String> response = send(method, path, body);
		expectOk(response, method + " " + path);
		return JSON.readTree(response.body());
	}

	private static void expectOk(HttpResponse<String> response, String what) {
		if (response.statusCode() != 200) {
			throw new AssertionError(
					"Consul refused to " + what + ": HTTP " + response.statusCode() + " " + response.body());
		}
	}

	private HttpResponse<String> send(String method, String path, String body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.url + path))
			.timeout(Duration.ofSeconds(10))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (this.aclToken != null) {
			builder.header("X-Consul-Token", this.aclToken);
		}
		HttpRequest request = builder.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException("Consul at " + this.url + " is unreachable", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

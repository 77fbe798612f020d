package dev.bus.console.consul;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

import dev.bus.console.ConsoleProperties;

/**
 * What the console reads from Consul, and the one thing it writes there: the Bus services
 * (instances whose sidecar registered a {@code bus-endpoint}) with their checks, and the
 * routing rule sets under the KV prefix, written with check-and-set so that two operators
 * never overwrite each other unseen.
 */
public class ConsulCatalog {

	private static final String SERVICE_MAINTENANCE = "_service_maintenance:";

	private static final String NODE_MAINTENANCE = "_node_maintenance";

	private final RestClient consul;

	public ConsulCatalog(RestClient.Builder builder, ConsoleProperties properties) {
		RestClient.Builder configured = builder.baseUrl(properties.consulUrl().toString());
		if (properties.consulToken() != null) {
			configured.defaultHeader("X-Consul-Token", properties.consulToken());
		}
		this.consul = configured.build();
	}

	/** Every Bus service and its instances; what Consul could not tell, as a problem. */
	public Fleet fleet() {
		try {
			JsonNode names = this.consul.get().uri("/v1/catalog/services").retrieve().body(JsonNode.class);
			List<Fleet.BusService> services = new ArrayList<>();
			for (String name : new TreeSet<>(names.propertyNames())) {
				List<BusInstance> instances = instances(name);
				if (!instances.isEmpty()) {
					services.add(new Fleet.BusService(name, instances));
				}
			}
			return new Fleet(services, null);
		}
		catch (RestClientException ex) {
			return Fleet.unreadable("Consul did not answer (" + ex.getMostSpecificCause().getClass().getSimpleName()
					+ ": " + ex.getMostSpecificCause().getMessage() + ")");
		}
	}

	private List<BusInstance> instances(String service) {
		JsonNode entries = this.consul.get().uri("/v1/health/service/{name}", service).retrieve().body(JsonNode.class);
		List<BusInstance> instances = new ArrayList<>();
		for (JsonNode entry : entries) {
			JsonNode registered = entry.path("Service");
			Map<String, String> meta = new TreeMap<>();
			registered.path("Meta").propertyStream().forEach((e) -> meta.put(e.getKey(), e.getValue().asString()));
			String busEndpoint = meta.remove("bus-endpoint");
			if (busEndpoint == null) {
				continue; // not an app with a Bus sidecar
			}
			String id = registered.path("ID").asString();
			String status = "passing";
			String output = null;
			String maintenance = null;
			for (JsonNode check : entry.path("Checks")) {
				String checkId = check.path("CheckID").asString();
				String checkStatus = check.path("Status").asString();
				status = worse(status, checkStatus);
				if (checkId.equals(SERVICE_MAINTENANCE + id) || checkId.equals(NODE_MAINTENANCE)) {
					maintenance = check.path("Notes").asString("in maintenance");
				}
				else if (checkId.equals("service:" + id)) {
					output = check.path("Output").asString();
				}
			}
			String address = registered.path("Address").asString();
			instances.add(new BusInstance(id, service, address, registered.path("Port").asInt(), meta.remove("version"),
					status, output, maintenance, busEndpoint, meta.remove("bus-asyncapi"),
					topics(meta.remove("bus-listens")), topics(meta.remove("bus-publishes")), meta));
		}
		return instances;
	}

	private static String worse(String a, String b) {
		List<String> order = List.of("passing", "warning", "critical");
		return (order.indexOf(b) > order.indexOf(a)) ? b : a;
	}

	private static List<String> topics(String value) {
		return (value == null || value.isBlank()) ? List.of() : Arrays.asList(value.split(","));
	}

	/** The values under a KV prefix, by key, with each key's modify index. */
	public Map<String, KvValue> values(String prefix) {
		JsonNode entries = this.consul.get()
			.uri((uri) -> uri.path("/v1/kv/" + prefix).queryParam("recurse", "true").build())
			.retrieve()
			.onStatus((status) -> status.value() == 404, (request, response) -> {
				// no key under the prefix: an empty list, below
			})
			.body(JsonNode.class);
		Map<String, KvValue> values = new TreeMap<>();
		if (entries == null || !entries.isArray()) {
			return values;
		}
		for (JsonNode entry : entries) {
			String key = entry.path("Key").asString();
			String encoded = entry.path("Value").asString("");
			String value = encoded.isEmpty() ? ""
					: new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
			values.put(key, new KvValue(key, value, entry.path("ModifyIndex").asLong()));
		}
		return values;
	}

	/**
	 * Writes a key only if it is still at {@code index} (0: only if it does not exist).
	 * @return whether it was written
	 */
	public boolean put(String key, String value, long index) {
		Boolean written = this.consul.put()
			.uri((uri) -> uri.path("/v1/kv/" + key).queryParam("cas", index).build())
			.body(value.getBytes(StandardCharsets.UTF_8))
			.retrieve()
			.body(Boolean.class);
		return Boolean.TRUE.equals(written);
	}

	/**
	 * A KV value.
	 *
	 * @param key its key
	 * @param value its value, as text
	 * @param modifyIndex the index of its last change
	 */
	public record KvValue(String key, String value, long modifyIndex) {
	}

}

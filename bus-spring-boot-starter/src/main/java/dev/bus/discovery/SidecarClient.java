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
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.core.sidecar.Maintenance;
import dev.bus.core.sidecar.RoutingRules;
import dev.bus.core.sidecar.ServiceInstances;
import dev.bus.core.sidecar.SidecarApi;

/**
 * Calls the Bus sidecar's local API (see docs/sidecar.md): the broker nodes Consul holds
 * as passing, the routing rules, maintenance, and the drain at shutdown.
 */
public class SidecarClient {

	/**
	 * The broker nodes at one index of the sidecar; {@code known} is false until the
	 * sidecar heard Consul.
	 */
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
		return get(SidecarApi.BROKERS, this.timeout);
	}

	/**
	 * Long poll: answers when the sidecar's index differs from {@code index}, or after
	 * {@code wait}.
	 */
	public BrokerNodes brokersAfter(long index, Duration wait) throws IOException, InterruptedException {
		return get(SidecarApi.longPoll(SidecarApi.BROKERS, index, wait), wait.plus(this.timeout));
	}

	/**
	 * Long poll: the routing rules once their index differs from {@code index}, or after
	 * {@code wait}.
	 */
	public RoutingRules routesAfter(long index, Duration wait) throws IOException, InterruptedException {
		return getJson(SidecarApi.longPoll(SidecarApi.ROUTES, index, wait), wait.plus(this.timeout),
				RoutingRules.class);
	}

	/**
	 * Whether the app's instance is in maintenance in Consul, as the sidecar last saw it.
	 */
	public Maintenance maintenance() throws IOException, InterruptedException {
		return getJson(SidecarApi.MAINTENANCE, this.timeout, Maintenance.class);
	}

	/**
	 * Asks the sidecar to take the instance out of Consul's passing set; answers once it
	 * has been out for the sidecar's drain time.
	 * @param timeout the longest this waits for the answer
	 * @return whether the sidecar had registered the instance (and so drained it)
	 * @throws IOException when the sidecar cannot be reached or does not drain (an older
	 * sidecar answers 404)
	 */
	public boolean drain(Duration timeout) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.baseUrl.resolve(SidecarApi.DRAIN))
			.timeout(timeout)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return read(SidecarApi.DRAIN, this.http.send(request, HttpResponse.BodyHandlers.ofString()), Drained.class)
			.registered();
	}

	/** The sidecar's answer to a drain. */
	record Drained(boolean registered) {
	}

	/**
	 * A JSON answer, read leniently: a newer sidecar may say more than this starter
	 * knows.
	 */
	private <T> T getJson(String path, Duration requestTimeout, Class<T> type)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.baseUrl.resolve(path)).timeout(requestTimeout).GET().build();
		return read(path, this.http.send(request, HttpResponse.BodyHandlers.ofString()), type);
	}

	private <T> T read(String path, HttpResponse<String> response, Class<T> type) throws IOException {
		if (response.statusCode() != 200) {
			throw new IOException("Sidecar answered HTTP " + response.statusCode() + " for " + path);
		}
		try {
			return this.json.readerFor(type)
				.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.readValue(response.body());
		}
		catch (JacksonException ex) {
			throw new IOException("Sidecar answered " + path + " with unexpected JSON", ex);
		}
	}

	private BrokerNodes get(String path, Duration requestTimeout) throws IOException, InterruptedException {
		ServiceInstances body = getJson(path, requestTimeout, ServiceInstances.class);
		List<Address> addresses = new ArrayList<>();
		for (ServiceInstances.Instance instance : (body.instances() != null) ? body.instances()
				: List.<ServiceInstances.Instance>of()) {
			if (instance.address() != null && !instance.address().isEmpty() && instance.port() > 0) {
				addresses.add(new Address(instance.address(), instance.port()));
			}
		}
		return new BrokerNodes(body.index(), body.known(), List.copyOf(addresses));
	}

}

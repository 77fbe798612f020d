package dev.bus.sidecar.registration;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.sidecar.AppProperties;

/**
 * Reads the app's actuator on 127.0.0.1: its health (every heartbeat) and its {@code bus}
 * endpoint (the topics it listens to and publishes, registered as Consul metadata).
 * Anything but a well-formed answer in time counts as failing, with the reason kept for
 * the check's output and the log. Plain {@code HttpURLConnection}: loopback HTTP needs
 * nothing more, and it keeps the sidecar small.
 */
public class AppClient {

	/**
	 * The app's bus topics, as its {@code bus} actuator endpoint reports them, and
	 * whether it serves its AsyncAPI document.
	 */
	public record BusTopics(Set<String> listens, Set<String> publishes, boolean asyncApi) {

		static final BusTopics UNKNOWN = new BusTopics(Set.of(), Set.of(), false);

	}

	private record Answer(int status, String body) {
	}

	/** An actuator answer larger than this is not health JSON. */
	private static final int MAX_BODY = 64 * 1024;

	/**
	 * Reads the shared contract leniently: an app on a newer starter may report more than
	 * this sidecar knows.
	 */
	private final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private final URI healthUri;

	private final URI busUri;

	private final URI asyncApiUri;

	private final Duration timeout;

	private final InetSocketAddress appAddress;

	public AppClient(AppProperties app) {
		this.timeout = app.getTimeout();
		this.appAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), app.getPort());
		String base = "http://127.0.0.1:" + app.actuatorPort();
		this.healthUri = URI.create(base + app.getHealthPath());
		this.busUri = URI.create(base + app.getBusPath());
		this.asyncApiUri = URI.create(base + app.getAsyncapiPath());
	}

	/**
	 * Whether the app still accepts connections on the port it serves on (false once it
	 * has stopped).
	 */
	public boolean acceptsConnections() {
		try (Socket socket = new Socket()) {
			socket.connect(this.appAddress, (int) this.timeout.toMillis());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public AppHealth health() {
		Answer answer;
		try {
			answer = get(this.healthUri);
		}
		catch (SocketTimeoutException ex) {
			return AppHealth.unreachable("no health answer within " + this.timeout.toMillis() + " ms");
		}
		catch (IOException ex) {
			return AppHealth.unreachable(ex.getClass().getSimpleName() + " on " + this.healthUri);
		}
		if (answer == null) {
			return AppHealth.failing("app health answer too large");
		}
		// Actuator answers 503 with a DOWN body: the body decides.
		try {
			JsonNode status = this.json.readTree(answer.body()).get("status");
			if (status == null || !status.isString()) {
				return AppHealth.failing("app health answer has no status (HTTP " + answer.status() + ")");
			}
			return AppHealth.fromActuatorStatus(status.asString());
		}
		catch (JacksonException ex) {
			return AppHealth.failing("app health answer is not JSON (HTTP " + answer.status() + ")");
		}
	}

	/**
	 * The app's topics, or {@link BusTopics#UNKNOWN} when it has no {@code bus} endpoint
	 * or it cannot be read.
	 */
	public BusTopics busTopics() {
		try {
			Answer answer = get(this.busUri);
			if (answer == null || answer.status() != 200) {
				return BusTopics.UNKNOWN;
			}
			BusEndpointBody body = this.json.readValue(answer.body(), BusEndpointBody.class);
			Set<String> listens = new TreeSet<>();
			if (body.listeners() != null) {
				body.listeners().forEach((listener) -> addTopic(listens, listener.topic()));
			}
			Set<String> publishes = new TreeSet<>();
			if (body.publisher() != null && body.publisher().topics() != null) {
				body.publisher().topics().forEach((topic) -> addTopic(publishes, topic));
			}
			return new BusTopics(listens, publishes, servesAsyncApi());
		}
		catch (IOException | JacksonException ex) {
			return BusTopics.UNKNOWN;
		}
	}

	/**
	 * A HEAD request: the document can be far larger than what this client reads, and
	 * only its presence counts.
	 */
	private boolean servesAsyncApi() throws IOException {
		HttpURLConnection connection = (HttpURLConnection) this.asyncApiUri.toURL().openConnection();
		connection.setRequestMethod("HEAD");
		connection.setConnectTimeout((int) this.timeout.toMillis());
		connection.setReadTimeout((int) this.timeout.toMillis());
		try {
			return connection.getResponseCode() == 200;
		}
		finally {
			connection.disconnect();
		}
	}

	private static void addTopic(Set<String> topics, String topic) {
		if (topic != null && !topic.isEmpty()) {
			topics.add(topic);
		}
	}

	/** GETs the URI; null when the body is larger than {@link #MAX_BODY}. */
	private Answer get(URI uri) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
		connection.setConnectTimeout((int) this.timeout.toMillis());
		connection.setReadTimeout((int) this.timeout.toMillis());
		connection.setRequestProperty("Accept", "application/json");
		try {
			int status = connection.getResponseCode();
			try (InputStream in = (status >= 400) ? connection.getErrorStream() : connection.getInputStream()) {
				if (in == null) {
					return new Answer(status, "");
				}
				byte[] body = in.readNBytes(MAX_BODY + 1);
				return (body.length > MAX_BODY) ? null : new Answer(status, new String(body, StandardCharsets.UTF_8));
			}
		}
		finally {
			connection.disconnect();
		}
	}

}

package dev.bus.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The secured RabbitMQ node and the Bus token issuer that {@code scripts/infra up} starts
 * beside the default broker: OAuth2 tokens as passwords on 127.0.0.1:5673, the same with
 * required client certificates (TLS) on 5674, tokens from the issuer on 127.0.0.1:9000
 * (bus-issuer's clients), certificates and keys in {@code $BUS_INFRA_HOME/pki}. Fails,
 * never skips, when they are not running.
 */
public final class SecuredBroker {

	public static final int PORT = 5673;

	public static final int TLS_PORT = 5674;

	/** The node's Erlang name (scripts/infra). */
	public static final String NODE = "bus-secured@localhost";

	public static final String ISSUER = "http://127.0.0.1:9000";

	/**
	 * The node's internal administrator (the OAuth2 backend's fallback), for arranging
	 * and inspecting.
	 */
	public static final String ADMIN = "bus-admin";

	/**
	 * The administrator's password, which {@code scripts/infra up} generates and keeps
	 * beside the node's other files: no fixed password works on the node.
	 */
	public static String adminPassword() {
		Path file = infraHome().resolve("secured-rabbitmq").resolve("admin-password");
		try {
			return Files.readString(file).strip();
		}
		catch (IOException ex) {
			throw new AssertionError("No administrator password of the secured RabbitMQ node in " + file
					+ ". Start the test infrastructure with: scripts/infra up", ex);
		}
	}

	/** The bus exchange the test clients' scopes cover. */
	public static final String EXCHANGE = "bus";

	/**
	 * The RabbitMQ scopes of bus-issuer's test clients: topics {@code secure.*}, listener
	 * groups {@code secure-*}.
	 */
	public static final String TEST_SCOPES = String.join(",", "rabbitmq.configure:*/bus",
			"rabbitmq.write:*/bus/secure.*", "rabbitmq.read:*/bus/secure.*", "rabbitmq.configure:*/secure-*",
			"rabbitmq.read:*/secure-*", "rabbitmq.write:*/secure-*", "rabbitmq.write:*/amq.default");

	private SecuredBroker() {
	}

	/**
	 * Directory of the test CA, the node's and the clients' certificates and the issuer's
	 * signing key.
	 */
	public static Path pki() {
		return infraHome().resolve("pki");
	}

	/**
	 * Properties that put an application on this node's plain listener as its internal
	 * administrator, for the fault tests that {@link #restart} the node: they never
	 * restart the shared broker on 5672.
	 */
	public static List<String> adminProperties() {
		return List.of("spring.rabbitmq.port=" + PORT, "spring.rabbitmq.username=" + ADMIN,
				"spring.rabbitmq.password=" + adminPassword());
	}

	/**
	 * Restarts the RabbitMQ application of this node, the one {@code scripts/infra}
	 * started for the tests (stop, start, wait until it serves): what a broker restart
	 * does to connected apps.
	 */
	public static void restart() throws IOException, InterruptedException {
		requireRunning();
		rabbitmqctl("stop_app");
		rabbitmqctl("start_app");
		rabbitmqctl("await_startup");
	}

	private static void rabbitmqctl(String command) throws IOException, InterruptedException {
		Path node = infraHome().resolve("secured-rabbitmq");
		ProcessBuilder builder = new ProcessBuilder("/usr/lib/rabbitmq/bin/rabbitmqctl", "-q", "-n", NODE, command)
			.redirectErrorStream(true);
		builder.environment().put("HOME", node.toString());
		builder.environment().put("RABBITMQ_CONF_ENV_FILE", node.resolve("rabbitmq-env.conf").toString());
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new AssertionError("rabbitmqctl " + command + " on " + NODE + " failed (the node scripts/infra up "
					+ "starts; its Erlang cookie is in " + node + "): " + output);
		}
	}

	private static Path infraHome() {
		String home = System.getenv("BUS_INFRA_HOME");
		// As scripts/infra: the shell's HOME, which is not always Java's user.home.
		return (home != null) ? Path.of(home)
				: Path.of(System.getenv().getOrDefault("HOME", System.getProperty("user.home")), ".cache", "bus-infra");
	}

	public static void requireRunning() {
		require("the secured RabbitMQ node", PORT);
		require("the secured RabbitMQ node's TLS listener", TLS_PORT);
		require("the Bus token issuer", 9000);
	}

	/**
	 * The registration properties of an application that authenticates as
	 * {@code clientId} of bus-issuer.
	 */
	public static List<String> clientProperties(String clientId, String scopes) {
		String registration = "spring.security.oauth2.client.registration.bus-broker.";
		return List.of(registration + "client-id=" + clientId, registration + "client-secret=" + clientId + "-secret",
				registration + "authorization-grant-type=client_credentials", registration + "scope=" + scopes,
				registration + "provider=bus-issuer",
				"spring.security.oauth2.client.provider.bus-issuer.token-uri=" + ISSUER + "/oauth2/token",
				"bus.security.broker-token.registration=bus-broker");
	}

	/**
	 * Starts an application on the secured node's plain listener, authenticating as
	 * {@code clientId} with the test scopes.
	 */
	public static ConfigurableApplicationContext start(String applicationName, String clientId, List<Class<?>> sources,
			String... properties) {
		requireRunning();
		List<String> all = new ArrayList<>(clientProperties(clientId, TEST_SCOPES));
		all.add("spring.rabbitmq.port=" + PORT);
		all.addAll(List.of(properties));
		return BusContexts.start(EXCHANGE, applicationName, sources, all.toArray(String[]::new));
	}

	/**
	 * A token from the real issuer, as its client {@code clientId} would get it, with
	 * {@code scope}.
	 */
	public static String token(String clientId, String scope) throws IOException, InterruptedException {
		String credentials = Base64.getEncoder()
			.encodeToString((clientId + ":" + clientId + "-secret").getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(ISSUER + "/oauth2/token"))
				.header("Authorization", "Basic " + credentials)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + scope))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new AssertionError("The issuer refused a token to " + clientId + " (" + response.statusCode() + ")");
		}
		String body = response.body();
		int start = body.indexOf("\"access_token\":\"") + 16;
		return body.substring(start, body.indexOf('"', start));
	}

	private static void require(String what, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError(what + " is not running on 127.0.0.1:" + port
					+ ". Start the test infrastructure with: scripts/infra up", ex);
		}
	}

}

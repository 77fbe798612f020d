package dev.bus.sample;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.routing.Router;
import dev.bus.sample.inventory.InventoryApplication;
import dev.bus.sample.notifications.NotificationsApplication;
import dev.bus.sample.orders.OrdersApplication;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system end to end, secured as it runs in the demo: on the secured RabbitMQ
 * node over mutual TLS, each service authenticated with its own client's token (exactly
 * the scopes its bus endpoint lists), every message carrying a per-message token that the
 * other side verifies. An HTTP order to the orders service reaches inventory, which
 * reserves stock (behind {@code @PreAuthorize}) and answers on
 * {@code inventory.reserved}; the EU audit filter sees only EU orders. A routing rule in
 * Consul, served by inventory's sidecar, copies the reservation to the notifications
 * service, which asks inventory about it with request-reply. A shipping service in Node
 * and an invoicing service in Python take the reservation on to an invoice that orders
 * receives, and a simulated MQTT thermometer's readings reach inventory. The services use
 * their real names and the real bus exchange, since their clients' scopes name them.
 */
class SampleSystemIT {

	private static final int SECURED_PORT = 5673;

	private static final Path SAMPLES = Path.of("..").toAbsolutePath().normalize();

	private static final Path PKI = Path.of(System.getenv()
		.getOrDefault("BUS_INFRA_HOME", Path.of(System.getProperty("user.home"), ".cache", "bus-infra").toString()),
			"pki");

	/**
	 * The queues of the services in other languages, named by their groups, which their
	 * clients' scopes name.
	 */
	private static final List<String> POLYGLOT_QUEUES = List.of("shipping.inventory.reserved",
			"invoicing.shipping.scheduled");

	private final List<Process> processes = new ArrayList<>();

	private final Set<String> queues = new LinkedHashSet<>();

	/**
	 * What a demo run (scripts/run-samples) may have left in the services' queues would
	 * skew the counts.
	 */
	@BeforeEach
	void purgeLeftovers() throws Exception {
		requireSecuredInfrastructure();
		try (Connection connection = admin()) {
			List<String> leftovers = new ArrayList<>(List.of("inventory.orders.created",
					"inventory-eu-audit.orders.created", "orders.inventory.reserved", "orders.invoice.issued",
					"notifications.notifications.stock-reserved", "inventory.inventory.reservation-query",
					"inventory.warehouse.*.temperature"));
			leftovers.addAll(POLYGLOT_QUEUES);
			for (String queue : leftovers) {
				try (Channel channel = connection.createChannel()) {
					channel.queuePurge(queue);
				}
				catch (java.io.IOException ex) {
					// not declared yet: nothing left over
				}
			}
		}
	}

	@AfterEach
	void stopProcessesAndDeleteQueues() throws Exception {
		for (Process process : this.processes) {
			process.destroy();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		try (Connection connection = admin(); Channel channel = connection.createChannel()) {
			for (String queue : this.queues) {
				channel.queueDelete(queue);
			}
		}
	}

	@Test
	void anOrderFlowsThroughEveryServiceLanguageAndDevice() throws Exception {
		requireSecuredInfrastructure();
		ConsulApi consul = ConsulApi.local();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		// Inventory runs beside a sidecar, which serves it the broker (a Consul service
		// of the test's own, the
		// secured node's TLS listener) and the routing rules under a Consul KV prefix of
		// the test's own.
		String brokerService = "sample-it-rabbitmq-" + suffix;
		String routes = "sample-it-" + suffix + "/routes/";
		String instanceId = "inventory-" + suffix + "-1";
		consul.registerWithTtl(brokerService, brokerService + "-1", 5674, "passing");
		consul.putKv(routes + "notifications", Files.readString(SAMPLES.resolve("routes/notifications.json")));
		int inventoryPort = freePort();
		try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=inventory-" + suffix,
				"bus.sidecar.app.port=" + inventoryPort, "bus.sidecar.registration.instance-id=" + instanceId,
				"bus.sidecar.discovery.broker-service=" + brokerService, "bus.sidecar.routing.prefix=" + routes);
				ConfigurableApplicationContext inventory = start(InventoryApplication.application(),
						"--server.port=" + inventoryPort, "--bus.sidecar-client.url=" + Sidecars.api(sidecar));
				ConfigurableApplicationContext orders = start(OrdersApplication.application());
				ConfigurableApplicationContext notifications = start(NotificationsApplication.application())) {
			track(inventory);
			track(orders);
			track(notifications);
			List<String> shipping = polyglot("shipping", "node", "polyglot/node/shipping.js");
			List<String> invoicing = polyglot("invoicing", "/usr/bin/python3", "polyglot/python/invoicing.py");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(shipping).contains("shipping: ready");
				assertThat(invoicing).contains("invoicing: ready");
				assertThat(inventory.getBean(Router.class).ruleSets()).as("the rule set from Consul, in force")
					.anySatisfy((ruleSet) -> assertThat(ruleSet.name()).isEqualTo("notifications"));
			});
			int port = ((WebServerApplicationContext) orders).getWebServer().getPort();
			// What the broker holds of orders.created: a queue of our own beside the
			// services'.
			Connection brokerView = admin();
			Channel view = brokerView.createChannel();
			String viewQueue = view.queueDeclare().getQueue();
			view.queueBind(viewQueue, "bus", "orders.created");
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> response = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(
						"{\"customerId\":\"c-1\",\"region\":\"eu\",\"lines\":[{\"sku\":\"sku-1\",\"quantity\":2}]}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(202);
			assertThat(response.body()).contains("\"topic\":\"orders.created\"");

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(consumed(inventory, "stockReservations.reserve")).isEqualTo(1);
				assertThat(consumed(inventory, "stockReservations.auditEu")).isEqualTo(1);
				assertThat(consumed(orders, "reservationListener.onReserved")).isEqualTo(1);
				// the copy the rule made, and the question notifications asked about it
				assertThat(consumed(notifications, "reservationNotifier.onReserved")).isEqualTo(1);
				assertThat(consumed(inventory, "reservationQueries.answer")).isEqualTo(1);
				// inventory.reserved → shipping (Node) → shipping.scheduled → invoicing
				// (Python) → invoice.issued
				assertThat(consumed(orders, "invoiceListener.onInvoiced")).isEqualTo(1);
			});
			assertThat(inventory.getBean(MeterRegistry.class)
				.get("bus.routing.routed")
				.tags("rule-set", "notifications", "rule", "reservations", "action", "copy")
				.counter()
				.count()).isEqualTo(1);
			assertThat(String.join("\n", shipping)).contains("type=inventory.reserved source=/inventory");
			assertThat(String.join("\n", invoicing)).contains("source=/shipping");

			// orders.* is encrypted end to end: the services read the order, the broker
			// holds ciphertext.
			com.rabbitmq.client.GetResponse held = view.basicGet(viewQueue, true);
			assertThat(held).isNotNull();
			assertThat(held.getProps().getHeaders()).containsKey("bus-encryption");
			assertThat(new String(held.getBody(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("c-1")
				.doesNotContain("sku-1");
			// The broker verified who published it, and the per-message token that
			// inventory checked travels along.
			assertThat(held.getProps().getUserId()).isEqualTo("orders");
			assertThat(held.getProps().getHeaders()).containsKey("bus-authorization");
			brokerView.close();

			// A warehouse thermometer (MQTT, its token as password) whose readings reach
			// inventory's listener.
			List<String> thermometer = polyglot("thermometer", "/usr/bin/python3", "polyglot/python/thermometer.py",
					"3");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(thermometer).contains("thermometer: sent 3, done");
				assertThat(consumed(inventory, "coldChain.onReading")).isEqualTo(3);
			});

			// The actuator endpoint over HTTP: listeners with their state, and a replay
			// (nothing to replay here).
			String inventoryUrl = "http://127.0.0.1:" + inventoryPort + "/actuator/bus";
			HttpResponse<String> bus = http.send(HttpRequest.newBuilder(URI.create(inventoryUrl)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(bus.body()).contains("\"id\":\"stockReservations.reserve\"", "\"state\":\"consuming\"",
					"\"deadLetters\":0");
			// The scopes each service lists are exactly those its client is registered
			// with: least privilege, and
			// enough (inventory's include the topic the routing rule copies to, which it
			// published).
			// Inventory, whose routing rules come from Consul, is also granted the
			// holding
			// queues, so that an operator can add a hold rule at any time (a hold rule in
			// force adds its queue to requiredScopes).
			List<String> holdingQueues = List.of("rabbitmq.configure:*/bus.hold.*", "rabbitmq.read:*/bus.hold.*");
			for (ConfigurableApplicationContext service : List.of(inventory, orders, notifications)) {
				List<String> required = new ArrayList<>(requiredScopes(http, service, "broker"));
				if (service == inventory) {
					required.addAll(holdingQueues);
				}
				assertThat(required).as(name(service))
					.containsExactlyInAnyOrderElementsOf(
							service.getBean(BrokerTokenCredentials.class).tokens().current().scopes());
			}
			// inventory answers requests on inventory.reservation-query: its replies
			// carry its token for that topic
			assertThat(requiredScopes(http, inventory, "messageToken")).containsExactly(
					"bus.publish:inventory.reservation-query", "bus.publish:inventory.reserved",
					"bus.publish:notifications.stock-reserved");
			assertThat(requiredScopes(http, notifications, "messageToken"))
				.containsExactly("bus.publish:inventory.reservation-query");
			// A replay is an operator's act: it needs a token with scope
			// actuator.operator (audience actuator); none, or another family's token
			// (a per-message token lifted from a message), is refused.
			URI replayUri = URI.create(inventoryUrl + "/stockReservations.reserve");
			assertThat(replay(http, replayUri, null).statusCode()).isEqualTo(401);
			assertThat(replay(http, replayUri, token(http, "inventory", "bus.publish:inventory.reserved")).statusCode())
				.as("a per-message token")
				.isEqualTo(401);
			HttpResponse<String> replay = replay(http, replayUri, token(http, "operator", "actuator.operator"));
			assertThat(replay.statusCode()).isEqualTo(200);
			assertThat(replay.body()).contains("\"replayed\":0");
			// Listing the dead letters shows message content: an operator's read too.
			URI deadLettersUri = URI.create(inventoryUrl + "/stockReservations.reserve/dead-letters?limit=5");
			assertThat(get(http, deadLettersUri, null).statusCode()).isEqualTo(401);
			HttpResponse<String> deadLetters = get(http, deadLettersUri, token(http, "operator", "actuator.operator"));
			assertThat(deadLetters.statusCode()).isEqualTo(200);
			assertThat(deadLetters.body()).contains("\"listener\":\"stockReservations.reserve\"", "\"deadLetters\":[");
			assertThat(http
				.send(HttpRequest
					.newBuilder(URI.create(inventoryUrl + "/stockReservations.reserve/dead-letters?messageId=x"))
					.DELETE()
					.build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).as("a discard is an operator's act").isEqualTo(401);

			// Each service's contract: its AsyncAPI document over HTTP, valid for the
			// AsyncAPI initiative's parser.
			JsonNode ordersContract = asyncApi(http, orders, "orders");
			assertThat(ordersContract.path("operations").path("send.orders.created").path("action").asString())
				.isEqualTo("send");
			assertThat(ordersContract.path("channels").path("orders.created").path("x-bus-encrypted").asBoolean())
				.as("orders.* is encrypted end to end")
				.isTrue();
			assertThat(ordersContract.path("components")
				.path("securitySchemes")
				.path("broker-oauth2")
				.path("flows")
				.path("clientCredentials")
				.path("tokenUrl")
				.asString()).startsWith("http://127.0.0.1:9000");
			JsonNode inventoryContract = asyncApi(http, inventory, "inventory");
			assertThat(inventoryContract.path("operations").path("send.inventory.reserved").isMissingNode()).isFalse();
			assertThat(inventoryContract.path("operations")
				.path("receive.stockReservations.reserve")
				.path("x-bus-group")
				.asString()).isEqualTo("inventory");
			JsonNode notificationsContract = asyncApi(http, notifications, "notifications");
			assertThat(notificationsContract.path("operations")
				.path("receive.reservationNotifier.onReserved")
				.isMissingNode()).isFalse();

			// The sidecar beside inventory registered it in Consul with the topics from
			// its actuator endpoint.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "passing".equals(consul.checkStatus("service:" + instanceId)));
			var meta = consul.services().get(instanceId).path("Meta");
			assertThat(meta.path("bus-listens").asString().split(",")).contains("orders.created",
					"warehouse.*.temperature", "inventory.reservation-query");
			assertThat(meta.path("bus-publishes").asString().split(",")).contains("inventory.reserved");
			assertThat(meta.path("bus-asyncapi").asString()).as("where other teams read its contract")
				.matches("http://[^/]+:" + inventoryPort + "/actuator/asyncapi");
			assertThat(meta.path("bus-endpoint").asString()).as("where the console reads it")
				.matches("http://[^/]+:" + inventoryPort + "/actuator/bus");
		}
		finally {
			consul.deleteKvTree("sample-it-" + suffix + "/");
			consul.deregister(brokerService + "-1");
		}
		assertThat(consul.services()).doesNotContainKey(instanceId);
	}

	/**
	 * Starts a sample service written in another language (sample-services/polyglot),
	 * logged in to the secured node with its own client's token; its output lines go to
	 * the list returned.
	 */
	private List<String> polyglot(String client, String runtime, String script, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(runtime, SAMPLES.resolve(script).toString()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment()
			.putAll(Map.of("AMQP_URL", "amqps://127.0.0.1:5674/%2F", "BUS_PKI", PKI.toString(), "BUS_ISSUER",
					"http://127.0.0.1:9000", "CLIENT_ID", client, "CLIENT_SECRET", client + "-secret", "INTERVAL",
					"0.2", "SITE", "sample-it"));
		Process process;
		try {
			process = builder.start();
		}
		catch (java.io.IOException ex) {
			throw new AssertionError(
					runtime + " is missing: scripts/infra up installs node, python3-pika and " + "python3-paho-mqtt",
					ex);
		}
		this.processes.add(process);
		List<String> output = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
				lines.lines().forEach((line) -> {
					output.add(line);
					System.out.println("[" + client + "] " + line);
				});
			}
			catch (java.io.IOException ex) {
				// the process ended
			}
		}, client + "-output");
		reader.setDaemon(true);
		reader.start();
		return output;
	}

	private static List<String> requiredScopes(HttpClient http, ConfigurableApplicationContext service, String kind)
			throws Exception {
		String url = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort()
				+ "/actuator/bus";
		HttpResponse<String> bus = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		return JsonMapper.builder()
			.build()
			.readTree(bus.body())
			.path("requiredScopes")
			.path(kind)
			.valueStream()
			.map(JsonNode::asString)
			.toList();
	}

	private static HttpResponse<String> get(HttpClient http, URI uri, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> replay(HttpClient http, URI listener, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(listener)
			.header("content-type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"count\": 5}"));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A client-credentials token from the Bus issuer (its clients' TEST secrets). */
	private static String token(HttpClient http, String client, String scope) throws Exception {
		String credentials = Base64.getEncoder()
			.encodeToString((client + ":" + client + "-secret").getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9000/oauth2/token"))
				.header("Authorization", "Basic " + credentials)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(
						"grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body()).path("access_token").asString();
	}

	private static String name(ConfigurableApplicationContext service) {
		return service.getEnvironment().getProperty("spring.application.name");
	}

	private static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * The service's AsyncAPI document from its actuator, written to target/ and checked
	 * by the AsyncAPI parser.
	 */
	private static JsonNode asyncApi(HttpClient http, ConfigurableApplicationContext service, String name)
			throws Exception {
		String url = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort()
				+ "/actuator/asyncapi";
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		Path document = Path.of("target", "asyncapi-" + name + ".json").toAbsolutePath();
		Files.createDirectories(document.getParent());
		Files.writeString(document, response.body());
		Path validator = Path.of("..", "..", "scripts", "asyncapi-validate.cjs").toAbsolutePath().normalize();
		Process process = new ProcessBuilder("node", validator.toString(), document.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue())
			.as("AsyncAPI parser (node and @asyncapi/parser come with scripts/infra up): " + output)
			.isZero();
		return JsonMapper.builder().build().readTree(response.body());
	}

	private static ConfigurableApplicationContext start(SpringApplication application, String... arguments) {
		// command-line arguments, so they win over the services' own properties
		// a test's own value replaces the default
		Map<String, String> all = new LinkedHashMap<>();
		List<String> given = new ArrayList<>(
				List.of("--server.port=0", "--spring.main.banner-mode=off", "--bus.tracing.enabled=false"));
		given.addAll(List.of(arguments));
		given.forEach((argument) -> all.put(argument.substring(0, argument.indexOf('=')), argument));
		return application.run(all.values().toArray(String[]::new));
	}

	/**
	 * Remembers the service's queues (retry and dead-letter queues included), to delete
	 * them afterwards.
	 */
	private void track(ConfigurableApplicationContext context) {
		for (var registration : context.getBean(BusListenerRegistry.class).registrations()) {
			BusListenerDefinition definition = registration.definition();
			this.queues.add(definition.queue());
			this.queues.add(definition.deadLetterQueue());
			definition.retry().levels().forEach((delay) -> this.queues.add(definition.retryQueue(delay)));
		}
	}

	/**
	 * The secured node's internal administrator, which sees past the services' scopes.
	 */
	private static Connection admin() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(SECURED_PORT);
		factory.setUsername("bus-admin");
		// generated by scripts/infra up, beside the node's other files
		factory.setPassword(Files.readString(PKI.resolveSibling("secured-rabbitmq").resolve("admin-password")).strip());
		return factory.newConnection("sample-system-it");
	}

	private static double consumed(ConfigurableApplicationContext context, String listener) {
		var counter = context.getBean(MeterRegistry.class)
			.find("bus.delivery")
			.tags("listener", listener, "outcome", "consumed")
			.timer();
		return (counter != null) ? counter.count() : 0;
	}

	private static void requireSecuredInfrastructure() {
		for (int port : new int[] { SECURED_PORT, 5674, 9000 }) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			}
			catch (Exception ex) {
				throw new AssertionError("The secured RabbitMQ node (5673, TLS 5674) or the Bus issuer (9000) is not "
						+ "running on 127.0.0.1:" + port + ". Start the test infrastructure with: scripts/infra up",
						ex);
			}
		}
	}

}

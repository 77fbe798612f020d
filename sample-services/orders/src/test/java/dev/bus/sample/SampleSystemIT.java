package dev.bus.sample;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

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
import dev.bus.sample.inventory.InventoryApplication;
import dev.bus.sample.orders.OrdersApplication;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system end to end, secured as it runs in the demo: on the secured RabbitMQ node over mutual TLS, each
 * service authenticated with its own client's token (exactly the scopes its bus endpoint lists), every message
 * carrying a per-message token that the other side verifies. An HTTP order to the orders service reaches
 * inventory, which reserves stock (behind {@code @PreAuthorize}) and answers on {@code inventory.reserved}; the
 * EU audit filter sees only EU orders. The services use their real names and the real bus exchange, since their
 * clients' scopes name them.
 */
class SampleSystemIT {

	private static final int SECURED_PORT = 5673;

	private final Set<String> queues = new LinkedHashSet<>();

	/** What a demo run (scripts/run-samples) may have left in the services' queues would skew the counts. */
	@BeforeEach
	void purgeLeftovers() throws Exception {
		requireSecuredInfrastructure();
		try (Connection connection = admin()) {
			for (String queue : new String[] { "inventory.orders.created", "inventory-eu-audit.orders.created",
					"orders.inventory.reserved" }) {
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
	void deleteQueues() throws Exception {
		try (Connection connection = admin(); Channel channel = connection.createChannel()) {
			for (String queue : this.queues) {
				channel.queueDelete(queue);
			}
		}
	}

	@Test
	void anOrderPlacedOverHttpIsReservedByInventoryAndConfirmedBack() throws Exception {
		requireSecuredInfrastructure();
		try (ConfigurableApplicationContext inventory = start(InventoryApplication.application());
				ConfigurableApplicationContext orders = start(OrdersApplication.application())) {
			track(inventory);
			track(orders);
			int port = ((WebServerApplicationContext) orders).getWebServer().getPort();
			// What the broker holds of orders.created: a queue of our own beside the services'.
			Connection brokerView = admin();
			Channel view = brokerView.createChannel();
			String viewQueue = view.queueDeclare().getQueue();
			view.queueBind(viewQueue, "bus", "orders.created");
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
					.header("content-type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(
							"{\"customerId\":\"c-1\",\"region\":\"eu\",\"lines\":[{\"sku\":\"sku-1\",\"quantity\":2}]}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(202);
			assertThat(response.body()).contains("\"topic\":\"orders.created\"");

			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(consumed(inventory, "stockReservations.reserve")).isEqualTo(1);
				assertThat(consumed(inventory, "stockReservations.auditEu")).isEqualTo(1);
				assertThat(consumed(orders, "reservationListener.onReserved")).isEqualTo(1);
			});

			// orders.* is encrypted end to end: the services read the order, the broker holds ciphertext.
			com.rabbitmq.client.GetResponse held = view.basicGet(viewQueue, true);
			assertThat(held).isNotNull();
			assertThat(held.getProps().getHeaders()).containsKey("bus-encryption");
			assertThat(new String(held.getBody(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("c-1")
				.doesNotContain("sku-1");
			// The broker verified who published it, and the per-message token that inventory checked travels along.
			assertThat(held.getProps().getUserId()).isEqualTo("orders");
			assertThat(held.getProps().getHeaders()).containsKey("bus-authorization");
			brokerView.close();

			// The actuator endpoint over HTTP: listeners with their state, and a replay (nothing to replay here).
			String inventoryUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) inventory).getWebServer().getPort()
					+ "/actuator/bus";
			HttpResponse<String> bus = http.send(HttpRequest.newBuilder(URI.create(inventoryUrl)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(bus.body()).contains("\"id\":\"stockReservations.reserve\"", "\"state\":\"consuming\"",
					"\"deadLetters\":0");
			// The scopes it lists are exactly those its client is registered with: least privilege, and enough.
			JsonNode required = JsonMapper.builder().build().readTree(bus.body()).path("requiredScopes");
			assertThat(required.path("broker").valueStream().map(JsonNode::asString).toList())
				.containsExactlyInAnyOrderElementsOf(inventory.getBean(BrokerTokenCredentials.class)
					.tokens()
					.current()
					.scopes());
			assertThat(required.path("messageToken").valueStream().map(JsonNode::asString).toList())
				.containsExactly("bus.publish:inventory.reserved");
			HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(inventoryUrl + "/stockReservations.reserve"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"count\": 5}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(replay.statusCode()).isEqualTo(200);
			assertThat(replay.body()).contains("\"replayed\":0");

			// Each service's contract: its AsyncAPI document over HTTP, valid for the AsyncAPI initiative's parser.
			JsonNode ordersContract = asyncApi(http, orders, "orders");
			assertThat(ordersContract.path("operations").path("send.orders.created").path("action").asString())
				.isEqualTo("send");
			assertThat(ordersContract.path("channels").path("orders.created").path("x-bus-encrypted").asBoolean())
				.as("orders.* is encrypted end to end").isTrue();
			assertThat(ordersContract.path("components").path("securitySchemes").path("broker-oauth2").path("flows")
				.path("clientCredentials").path("tokenUrl").asString()).startsWith("http://127.0.0.1:9000");
			JsonNode inventoryContract = asyncApi(http, inventory, "inventory");
			assertThat(inventoryContract.path("operations").path("send.inventory.reserved").isMissingNode()).isFalse();
			assertThat(inventoryContract.path("operations").path("receive.stockReservations.reserve")
				.path("x-bus-group").asString()).isEqualTo("inventory");

			// A sidecar beside inventory registers it in Consul with the topics from its actuator endpoint.
			ConsulApi consul = ConsulApi.local();
			String suffix = UUID.randomUUID().toString().substring(0, 8);
			String instanceId = "inventory-" + suffix + "-1";
			try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=inventory-" + suffix,
					"bus.sidecar.app.port=" + ((WebServerApplicationContext) inventory).getWebServer().getPort(),
					"bus.sidecar.registration.instance-id=" + instanceId)) {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> "passing".equals(consul.checkStatus("service:" + instanceId)));
				var meta = consul.services().get(instanceId).path("Meta");
				assertThat(meta.path("bus-listens").asString()).isEqualTo("orders.created");
				assertThat(meta.path("bus-publishes").asString()).isEqualTo("inventory.reserved");
				assertThat(meta.path("bus-asyncapi").asString()).as("where other teams read its contract")
					.matches("http://[^/]+:" + ((WebServerApplicationContext) inventory).getWebServer().getPort()
							+ "/actuator/asyncapi");
			}
			assertThat(consul.services()).doesNotContainKey(instanceId);
		}
	}

	/** The service's AsyncAPI document from its actuator, written to target/ and checked by the AsyncAPI parser. */
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
		assertThat(process.exitValue()).as("AsyncAPI parser (node and @asyncapi/parser come with scripts/infra up): "
				+ output).isZero();
		return JsonMapper.builder().build().readTree(response.body());
	}

	private static ConfigurableApplicationContext start(SpringApplication application) {
		// command-line arguments, so they win over the services' own properties
		return application.run("--server.port=0", "--spring.main.banner-mode=off", "--bus.tracing.enabled=false");
	}

	/** Remembers the service's queues (retry and dead-letter queues included), to delete them afterwards. */
	private void track(ConfigurableApplicationContext context) {
		for (var registration : context.getBean(BusListenerRegistry.class).registrations()) {
			BusListenerDefinition definition = registration.definition();
			this.queues.add(definition.queue());
			this.queues.add(definition.deadLetterQueue());
			definition.retry().levels().forEach((delay) -> this.queues.add(definition.retryQueue(delay)));
		}
	}

	/** The secured node's internal administrator, which sees past the services' scopes. */
	private static Connection admin() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(SECURED_PORT);
		factory.setUsername("bus-admin");
		factory.setPassword("bus-admin");
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
						+ "running on 127.0.0.1:" + port + ". Start the test infrastructure with: scripts/infra up", ex);
			}
		}
	}

}

package dev.bus.sample;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sample.inventory.InventoryApplication;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.sample.orders.OrdersApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system end to end on the real broker: an HTTP order to the orders service reaches inventory, which
 * reserves stock and answers on {@code inventory.reserved}; the EU audit filter sees only EU orders.
 */
class SampleSystemIT {

	private final String exchange = "samples-" + UUID.randomUUID().toString().substring(0, 8);

	private final String suffix = this.exchange.substring(8);

	@AfterEach
	void deleteTopology() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			for (String queue : new String[] { "inventory-" + this.suffix + ".orders.created",
					"inventory-" + this.suffix + "-eu-audit.orders.created", "orders-" + this.suffix + ".inventory.reserved" }) {
				channel.queueDelete(queue);
				channel.queueDelete(queue + ".dlq");
			}
			channel.exchangeDelete(this.exchange);
		}
	}

	@Test
	void anOrderPlacedOverHttpIsReservedByInventoryAndConfirmedBack() throws Exception {
		requireBroker();
		try (ConfigurableApplicationContext inventory = start(InventoryApplication.class, "inventory");
				ConfigurableApplicationContext orders = start(OrdersApplication.class, "orders")) {
			int port = ((WebServerApplicationContext) orders).getWebServer().getPort();
			// What the broker holds of orders.created: a queue of our own beside the services'.
			ConnectionFactory factory = new ConnectionFactory();
			factory.setHost("127.0.0.1");
			Connection brokerView = factory.newConnection();
			Channel view = brokerView.createChannel();
			String viewQueue = view.queueDeclare().getQueue();
			view.queueBind(viewQueue, this.exchange, "orders.created");
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
			brokerView.close();

			// The actuator endpoint over HTTP: listeners with their state, and a replay (nothing to replay here).
			String inventoryUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) inventory).getWebServer().getPort()
					+ "/actuator/bus";
			HttpResponse<String> bus = http.send(HttpRequest.newBuilder(URI.create(inventoryUrl)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(bus.body()).contains("\"id\":\"stockReservations.reserve\"", "\"state\":\"consuming\"",
					"\"deadLetters\":0");
			HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(inventoryUrl + "/stockReservations.reserve"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"count\": 5}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(replay.statusCode()).isEqualTo(200);
			assertThat(replay.body()).contains("\"replayed\":0");

			// A sidecar beside inventory registers it in Consul with the topics from its actuator endpoint.
			ConsulApi consul = ConsulApi.local();
			String instanceId = "inventory-" + this.suffix + "-1";
			try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=inventory-" + this.suffix,
					"bus.sidecar.app.port=" + ((WebServerApplicationContext) inventory).getWebServer().getPort(),
					"bus.sidecar.registration.instance-id=" + instanceId)) {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> "passing".equals(consul.checkStatus("service:" + instanceId)));
				var meta = consul.services().get(instanceId).path("Meta");
				assertThat(meta.path("bus-listens").asString()).isEqualTo("orders.created");
				assertThat(meta.path("bus-publishes").asString()).isEqualTo("inventory.reserved");
			}
			assertThat(consul.services()).doesNotContainKey(instanceId);
		}
	}

	private ConfigurableApplicationContext start(Class<?> application, String name) {
		// command-line arguments, so they win over the samples' application.properties
		return new SpringApplicationBuilder(application).run("--server.port=0",
				"--spring.application.name=" + name + "-" + this.suffix, "--bus.exchange=" + this.exchange,
				"--spring.rabbitmq.host=127.0.0.1", "--spring.main.banner-mode=off",
				"--bus.tracing.enabled=false");
	}

	private static double consumed(ConfigurableApplicationContext context, String listener) {
		var counter = context.getBean(MeterRegistry.class)
			.find("bus.listener.messages")
			.tags("listener", listener, "outcome", "consumed")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void requireBroker() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", 5672), 2000);
		}
		catch (Exception ex) {
			throw new AssertionError(
					"RabbitMQ is not running on 127.0.0.1:5672. Start the test infrastructure with: scripts/infra up",
					ex);
		}
	}

}

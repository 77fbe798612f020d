package dev.bus.console;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.sample.inventory.InventoryApplication;
import dev.bus.sample.notifications.NotificationsApplication;
import dev.bus.sample.orders.OrdersApplication;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system, running for real, for the console's and the dashboard's tests: the
 * secured broker over mutual TLS, inventory beside a real sidecar that registers it in
 * the real Consul (as {@code inventory-<suffix>}) and serves it the routing rules under a
 * KV prefix of its own, orders and notifications. Each test class starts its own and
 * closes it, deleting its queues, KV prefix and Consul registrations.
 */
final class SampleSystem implements AutoCloseable {

	private static final Path SAMPLES = Path.of("..", "sample-services").toAbsolutePath().normalize();

	private static final Path PKI = Path.of(System.getenv()
		.getOrDefault("BUS_INFRA_HOME", Path.of(System.getProperty("user.home"), ".cache", "bus-infra").toString()),
			"pki");

	/** Where the sidecar sends the traces: scripts/infra's Zipkin. */
	static final String ZIPKIN = "http://127.0.0.1:9411";

	final String suffix = UUID.randomUUID().toString().substring(0, 8);

	final String routes = "console-it-" + this.suffix + "/routes/";

	final ConsulApi consul = ConsulApi.local();

	final ConfigurableApplicationContext sidecar;

	final ConfigurableApplicationContext inventory;

	final ConfigurableApplicationContext orders;

	final ConfigurableApplicationContext notifications;

	private final String brokerService = "console-it-rabbitmq-" + this.suffix;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<String> queues = new ArrayList<>();

	private Path scrapeTargets;

	/**
	 * Starts the system.
	 * @param ordersArguments the orders service's own arguments
	 * ({@code --orders.trickle.enabled=true})
	 */
	SampleSystem(String... ordersArguments) throws Exception {
		requireInfrastructure(5673, 5674, 9000, 8500, 9411);
		purge("inventory.orders.created", "orders.inventory.reserved", "notifications.notifications.stock-reserved");
		this.consul.registerWithTtl(this.brokerService, this.brokerService + "-1", 5674, "passing");
		this.consul.putKv(this.routes + "notifications",
				Files.readString(SAMPLES.resolve("routes/notifications.json")));
		int inventoryPort = freePort();
		this.sidecar = Sidecars.start("bus.sidecar.app.name=inventory-" + this.suffix,
				"bus.sidecar.app.port=" + inventoryPort, "bus.sidecar.app.advertise-address=127.0.0.1",
				"bus.sidecar.registration.instance-id=" + inventoryInstance(),
				"bus.sidecar.discovery.broker-service=" + this.brokerService,
				"bus.sidecar.routing.prefix=" + this.routes, "bus.sidecar.telemetry.exporter=zipkin",
				"bus.sidecar.telemetry.endpoint=" + ZIPKIN + "/api/v2/spans");
		this.contexts.add(this.sidecar);
		// traced, through the sidecar to Zipkin: a dead letter's trace link leads
		// somewhere
		String traced = "--bus.tracing.otlp-endpoint=" + Sidecars.otlpTraces(this.sidecar);
		this.inventory = start(InventoryApplication.application(), "--server.port=" + inventoryPort,
				"--bus.sidecar-client.url=" + Sidecars.api(this.sidecar), "--bus.tracing.enabled=true", traced);
		List<String> orderArguments = new ArrayList<>(List.of("--bus.tracing.enabled=true", traced));
		orderArguments.addAll(List.of(ordersArguments));
		this.orders = start(OrdersApplication.application(), orderArguments.toArray(String[]::new));
		// the routing rule copies inventory's reservations to notifications: without it
		// running, the copy has no queue and inventory's publish fails
		this.notifications = start(NotificationsApplication.application());
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "passing".equals(this.consul.checkStatus("service:" + inventoryInstance())));
	}

	String inventoryInstance() {
		return "inventory-" + this.suffix + "-1";
	}

	/** Starts an application of the test's (the console) beside the system. */
	ConfigurableApplicationContext start(SpringApplication application, String... arguments) {
		Map<String, String> all = new LinkedHashMap<>();
		List<String> given = new ArrayList<>(
				List.of("--server.port=0", "--spring.main.banner-mode=off", "--bus.tracing.enabled=false"));
		given.addAll(List.of(arguments));
		given.forEach((argument) -> all.put(argument.substring(0, argument.indexOf('=')), argument));
		ConfigurableApplicationContext context = application.run(all.values().toArray(String[]::new));
		this.contexts.add(context);
		if (context.getBeanProvider(BusListenerRegistry.class).getIfAvailable() != null) {
			for (var registration : context.getBean(BusListenerRegistry.class).registrations()) {
				BusListenerDefinition definition = registration.definition();
				this.queues.add(definition.queue());
				this.queues.add(definition.deadLetterQueue());
				definition.retry().levels().forEach((delay) -> this.queues.add(definition.retryQueue(delay)));
			}
		}
		return context;
	}

	/** A queue of the test's to delete with the system's. */
	void deleteOnClose(String queue) {
		this.queues.add(queue);
	}

	/** Places an order for one unit of {@code sku} with the orders service's API. */
	void placeOrder(String sku) throws Exception {
		HttpResponse<String> placed = send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(this.orders) + "/orders"))
					.header("content-type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-console\",\"region\":\"us\","
							+ "\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}")));
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
	}

	/** Adds a product to inventory's catalog ({@code PUT /catalog/{sku}}). */
	void stock(String sku) throws Exception {
		assertThat(
				send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(this.inventory) + "/catalog/" + sku))
					.PUT(HttpRequest.BodyPublishers.noBody())).statusCode())
			.isEqualTo(200);
	}

	/**
	 * Has scripts/infra's Prometheus scrape the three services and inventory's sidecar as
	 * {@code job} (a target file of its own, removed on close).
	 */
	void scrapedBy(String job) throws Exception {
		requireInfrastructure(9090);
		String apps = List.of(this.inventory, this.orders, this.notifications)
			.stream()
			.map((app) -> "\"127.0.0.1:" + port(app) + "\"")
			.reduce((a, b) -> a + ", " + b)
			.orElseThrow();
		String sidecarAddress = Sidecars.management(this.sidecar).replace("http://", "");
		Path directory = Path.of(System.getenv()
			.getOrDefault("BUS_INFRA_HOME", Path.of(System.getProperty("user.home"), ".cache", "bus-infra").toString()),
				"prometheus", "targets");
		Files.createDirectories(directory);
		Path written = directory.resolve(job + ".json.tmp");
		Files.writeString(written, """
				[{"targets": [%s], "labels": {"job": "%s"}},
				 {"targets": ["%s"], "labels": {"job": "%s"}}]""".formatted(apps, job, sidecarAddress, job));
		this.scrapeTargets = directory.resolve(job + ".json");
		Files.move(written, this.scrapeTargets, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** How many messages a listener of the service handled. */
	static double consumed(ConfigurableApplicationContext context, String listener) {
		var timer = context.getBean(MeterRegistry.class)
			.find("bus.delivery")
			.tags("listener", listener, "outcome", "consumed")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Override
	public void close() throws Exception {
		if (this.scrapeTargets != null) {
			Files.deleteIfExists(this.scrapeTargets);
		}
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		this.consul.deleteKvTree("console-it-" + this.suffix + "/");
		this.consul.deregister(this.brokerService + "-1");
		try (Connection connection = admin(); Channel channel = connection.createChannel()) {
			for (String queue : this.queues) {
				channel.queueDelete(queue);
			}
		}
	}

	private static void purge(String... names) throws Exception {
		try (Connection connection = admin()) {
			for (String queue : names) {
				try (Channel channel = connection.createChannel()) {
					channel.queuePurge(queue);
					channel.queuePurge(queue + ".dlq");
				}
				catch (java.io.IOException ex) {
					// not declared yet: nothing left over
				}
			}
		}
	}

	/**
	 * The secured node's internal administrator, which sees past the services' scopes.
	 */
	private static Connection admin() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(5673);
		factory.setUsername("bus-admin");
		factory.setPassword(Files.readString(PKI.resolveSibling("secured-rabbitmq").resolve("admin-password")).strip());
		return factory.newConnection("console-it");
	}

	static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static void requireInfrastructure(int... ports) {
		for (int port : ports) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			}
			catch (Exception ex) {
				throw new AssertionError("The secured RabbitMQ node (5673, TLS 5674), the Bus issuer (9000), Consul "
						+ "(8500), Zipkin (9411) or Prometheus (9090) is not running on 127.0.0.1:" + port
						+ ". Start them with: scripts/infra up", ex);
			}
		}
	}

}

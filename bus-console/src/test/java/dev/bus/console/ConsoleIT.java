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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.routing.Router;
import dev.bus.sample.inventory.InventoryApplication;
import dev.bus.sample.notifications.NotificationsApplication;
import dev.bus.sample.orders.OrdersApplication;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console as people use it, in a real browser (Debian's Chromium), on the sample
 * system running for real: the secured broker over mutual TLS, inventory beside a real
 * sidecar registering it in the real Consul, orders publishing encrypted orders, people
 * logging in at the real issuer (authorization code with PKCE) as an operator or a
 * viewer. Screenshots of every page are kept under target/console-screenshots.
 */
class ConsoleIT {

	private static final Path SAMPLES = Path.of("..", "sample-services").toAbsolutePath().normalize();

	private static final Path PKI = Path.of(System.getenv()
		.getOrDefault("BUS_INFRA_HOME", Path.of(System.getProperty("user.home"), ".cache", "bus-infra").toString()),
			"pki");

	private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

	private static final String ROUTES = "console-it-" + SUFFIX + "/routes/";

	private static final String BROKER_SERVICE = "console-it-rabbitmq-" + SUFFIX;

	private static final ConsulApi consul = ConsulApi.local();

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private static final List<String> queues = new ArrayList<>();

	private static ConfigurableApplicationContext inventory;

	private static ConfigurableApplicationContext orders;

	private static String console;

	@BeforeAll
	static void startTheSampleSystemAndTheConsole() throws Exception {
		requireInfrastructure();
		purge("inventory.orders.created", "orders.inventory.reserved", "notifications.notifications.stock-reserved");
		consul.registerWithTtl(BROKER_SERVICE, BROKER_SERVICE + "-1", 5674, "passing");
		consul.putKv(ROUTES + "notifications", Files.readString(SAMPLES.resolve("routes/notifications.json")));
		int inventoryPort = freePort();
		ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=inventory-" + SUFFIX,
				"bus.sidecar.app.port=" + inventoryPort, "bus.sidecar.app.advertise-address=127.0.0.1",
				"bus.sidecar.registration.instance-id=inventory-" + SUFFIX + "-1",
				"bus.sidecar.discovery.broker-service=" + BROKER_SERVICE, "bus.sidecar.routing.prefix=" + ROUTES);
		contexts.add(sidecar);
		inventory = start(InventoryApplication.application(), "--server.port=" + inventoryPort,
				"--bus.sidecar-client.url=" + Sidecars.api(sidecar));
		orders = start(OrdersApplication.application());
		// the routing rule copies inventory's reservations to notifications: without it
		// running, the copy has no queue and inventory's publish fails
		start(NotificationsApplication.application());
		ConfigurableApplicationContext app = start(new SpringApplication(BusConsoleApplication.class),
				"--bus.console.routing-prefix=" + ROUTES,
				"--bus.console.trace-url=http://127.0.0.1:9411/zipkin/traces/{traceId}");
		console = "http://127.0.0.1:" + port(app);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "passing".equals(consul.checkStatus("service:inventory-" + SUFFIX + "-1")));
	}

	@AfterAll
	static void stopEverything() throws Exception {
		for (int i = contexts.size() - 1; i >= 0; i--) {
			contexts.get(i).close();
		}
		consul.deleteKvTree("console-it-" + SUFFIX + "/");
		consul.deregister(BROKER_SERVICE + "-1");
		try (Connection connection = admin(); Channel channel = connection.createChannel()) {
			for (String queue : queues) {
				channel.queueDelete(queue);
			}
		}
	}

	@Test
	void anOperatorRetriesAPoisonedOrderAfterFixingItsCause() throws Exception {
		String sku = "sku-console-" + SUFFIX;
		placeOrder(sku);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			WebElement group = awaitGroup(operator, "UnknownProductException", Duration.ofSeconds(30));
			assertThat(group.getText()).contains("inventory-" + SUFFIX, "stockReservations.reserve", "orders.created",
					"handler-failed");
			operator.screenshot("failures");
			operator.go("/failures/" + group.getDomAttribute("id").substring("group-".length()));
			assertThat(operator.text("main")).as("the order is encrypted: the console holds no key")
				.contains("encrypted: not shown")
				.doesNotContain(sku);
			operator.screenshot("failure-group");

			// retried before the cause is fixed: it fails again, and is marked so
			operator.go("/failures");
			assertThat(operator.submit(By.cssSelector(".group .retry-group"))).startsWith("1 retried");
			awaitGroup(operator, "failed again after retry", Duration.ofSeconds(30));
			operator.screenshot("failed-again");

			// the cause fixed (the product added to the catalog), the group retried:
			// handled
			assertThat(
					send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(inventory) + "/catalog/" + sku))
						.PUT(HttpRequest.BodyPublishers.noBody())).statusCode())
				.isEqualTo(200);
			operator.go("/failures");
			assertThat(operator.submit(By.cssSelector(".group .retry-group"))).startsWith("1 retried");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(consumed(inventory, "stockReservations.reserve")).isEqualTo(1);
				assertThat(consumed(orders, "reservationListener.onReserved")).isEqualTo(1);
			});
			operator.go("/failures");
			assertThat(operator.text("main")).doesNotContain("UnknownProductException");

			operator.go("/audit");
			List<String> actions = operator.driver.findElements(By.cssSelector("#audit .event"))
				.stream()
				.map(WebElement::getText)
				.toList();
			assertThat(actions).hasSizeGreaterThanOrEqualTo(2);
			assertThat(actions.get(0)).contains("operator", "retry", "stockReservations.reserve", "1 retried");
			operator.screenshot("audit");
			operator.go("/");
			assertThat(operator.text("#service-inventory-" + SUFFIX)).contains("passing", "stockReservations.reserve",
					"consuming");
			operator.screenshot("fleet");
			operator.go("/flow");
			assertThat(operator.driver.findElements(By.cssSelector("#flow .topic")).stream().map(WebElement::getText))
				.contains("orders.created", "inventory.reserved");
			operator.screenshot("flow");
		}
	}

	@Test
	void aViewerSeesNoOperatorControlsAndTheConsoleRefusesTheirChanges() throws Exception {
		try (Browser viewer = Browser.open(console).login("viewer", "viewer-password")) {
			assertThat(viewer.text("#role")).isEqualTo("viewer");
			viewer.go("/failures");
			assertThat(viewer.driver.findElements(By.cssSelector(".retry-group"))).isEmpty();
			viewer.go("/routing");
			assertThat(viewer.driver.findElements(By.cssSelector(".save"))).isEmpty();
			assertThat(viewer.driver.findElements(By.id("create"))).isEmpty();
			viewer.screenshot("routing-as-viewer");
			// the controls are hidden, and the console refuses the request all the same
			for (String path : List.of("/routing", "/failures/any/retry", "/failures/any/discard",
					"/routing/release")) {
				Object status = viewer.driver.executeAsyncScript("""
						const done = arguments[arguments.length - 1];
						const csrf = document.querySelector('input[name=_csrf]').value;
						fetch(arguments[0], {method: 'POST', redirect: 'manual', body: new URLSearchParams({_csrf: csrf,
						  name: 'notifications', text: '{}', index: '0', confirm: 'yes', ruleSet: 'x', rule: 'y',
						  topic: 'z'})}).then((r) => done(r.status));""", path);
				assertThat(status).as(path).isEqualTo(403L);
			}
		}
	}

	@Test
	void anInvalidRuleEditIsRefusedWithItsProblemAndAValidOneIsInForceWithinASecond() throws Exception {
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			operator.go("/routing");
			String invalid = """
					{"name": "notifications", "version": 2, "rules": [
					  {"name": "reservations", "topic": "inventory.reserved", "action": "copy", "to": []}]}""";
			assertThat(edit(operator, "notifications", invalid)).contains("refused", "reservations");
			operator.screenshot("routing-refused");
			assertThat(router(inventory)).as("the version in force stays").isEqualTo(1);

			String valid = """
					{"name": "notifications", "version": 2, "rules": [
					  {"name": "reservations", "topic": "inventory.reserved", "action": "copy",
					   "to": ["notifications.stock-reserved"]}]}""";
			long clicked = System.nanoTime();
			assertThat(edit(operator, "notifications", valid)).contains("written to Consul");
			long confirmed = System.nanoTime();
			// in force in the app within a second of the console's confirmation (the
			// browser's own round trip, 0.4-0.5 s here, is printed, not bounded)
			await().atMost(Duration.ofSeconds(1))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> router(inventory) == 2);
			long inForce = System.nanoTime();
			System.out.printf("rule set version 2 in force %d ms after the confirmation, %d ms after the click%n",
					(inForce - confirmed) / 1_000_000, (inForce - clicked) / 1_000_000);
			operator.screenshot("routing");
		}
	}

	@Test
	void aRetryOfAMessageRetriedElsewhereIsReportedAndNotSentTwice() throws Exception {
		String sku = "sku-elsewhere-" + SUFFIX;
		double reservedBefore = consumed(inventory, "stockReservations.reserve");
		placeOrder(sku);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			WebElement group = awaitGroup(operator, "UnknownProductException", Duration.ofSeconds(30));
			operator.go("/failures/" + group.getDomAttribute("id").substring("group-".length()));
			operator.driver.findElement(By.cssSelector(".message input[name=messageId]")).click();
			// meanwhile, another operator fixes the cause and replays it with the app's
			// own actuator operation
			send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(inventory) + "/catalog/" + sku))
				.PUT(HttpRequest.BodyPublishers.noBody()));
			HttpResponse<String> elsewhere = send(HttpRequest
				.newBuilder(
						URI.create("http://127.0.0.1:" + port(inventory) + "/actuator/bus/stockReservations.reserve"))
				.header("Authorization", "Bearer " + operatorToken())
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{}")));
			assertThat(elsewhere.body()).contains("\"replayed\":1");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> consumed(inventory, "stockReservations.reserve") == reservedBefore + 1);

			assertThat(operator.submit(By.id("retry"))).startsWith("0 retried")
				.contains("1 no longer in the dead-letter queue (retried or discarded elsewhere): not sent again");
			assertThat(consumed(inventory, "stockReservations.reserve")).isEqualTo(reservedBefore + 1);
		}
	}

	@Test
	void aDiscardNeedsConfirmingAndIsAudited() throws Exception {
		String sku = "sku-discard-" + SUFFIX;
		placeOrder(sku);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			WebElement group = awaitGroup(operator, "UnknownProductException", Duration.ofSeconds(30));
			String page = "/failures/" + group.getDomAttribute("id").substring("group-".length());
			operator.go(page);
			assertThat(operator.submit(By.id("discard"))).startsWith("Nothing discarded");
			operator.driver.findElement(By.id("confirm")).click();
			assertThat(operator.submit(By.id("discard"))).startsWith("1 discarded");
			operator.go("/failures");
			assertThat(operator.text("main")).doesNotContain("UnknownProductException");
			operator.go("/audit");
			assertThat(operator.text("#audit .event")).contains("operator", "discard", "1 discarded");
		}
	}

	@Test
	void aConsulOrAnAppThatDoesNotAnswerIsShownAsSuch() throws Exception {
		String ghost = "ghost-" + SUFFIX;
		int closed = freePort();
		assertThat(consul.status("PUT", "/v1/agent/service/register", """
				{"Name": "%s", "ID": "%s-1", "Address": "127.0.0.1", "Port": %d,
				 "Meta": {"bus-endpoint": "http://127.0.0.1:%d/actuator/bus"}}""".formatted(ghost, ghost, closed,
				closed)))
			.isEqualTo(200);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			assertThat(operator.text("#service-" + ghost)).contains(ghost + " (" + ghost + "-1) did not answer");
			operator.go("/failures");
			assertThat(operator.text("main")).contains(ghost + " (" + ghost + "-1) did not answer");
			operator.screenshot("app-not-answering");
		}
		finally {
			consul.deregister(ghost + "-1");
		}
		ConfigurableApplicationContext blind = start(new SpringApplication(BusConsoleApplication.class),
				"--bus.console.consul-url=http://127.0.0.1:" + closed, "--bus.console.apps-timeout=1s");
		try (Browser operator = Browser.open("http://127.0.0.1:" + port(blind))
			.login("operator", "operator-password")) {
			assertThat(operator.text("main")).contains("Consul did not answer");
			operator.go("/routing");
			assertThat(operator.text("main")).contains("Consul did not answer");
			operator.go("/failures");
			assertThat(operator.text("main")).contains("Consul did not answer");
			operator.screenshot("consul-not-answering");
		}
	}

	/**
	 * An operator's token from the Bus issuer (the sample operator client's TEST secret).
	 */
	private static String operatorToken() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9000/oauth2/token"))
			.header("Authorization",
					"Basic " + java.util.Base64.getEncoder().encodeToString("operator:operator-secret".getBytes()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=actuator.operator")));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String body = response.body();
		int start = body.indexOf("\"access_token\":\"") + 16;
		return body.substring(start, body.indexOf('"', start));
	}

	private static String edit(Browser browser, String ruleSet, String text) {
		WebElement area = browser.driver.findElement(By.cssSelector("#rule-set-" + ruleSet + " textarea"));
		area.clear();
		area.sendKeys(text);
		return browser.submit(By.cssSelector("#rule-set-" + ruleSet + " .save"));
	}

	private static long router(ConfigurableApplicationContext app) {
		return app.getBean(Router.class)
			.ruleSets()
			.stream()
			.filter((ruleSet) -> ruleSet.name().equals("notifications"))
			.mapToLong((ruleSet) -> ruleSet.version())
			.findFirst()
			.orElse(-1);
	}

	/** Reloads the failures page until a group row shows {@code text}. */
	private static WebElement awaitGroup(Browser browser, String text, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
			browser.go("/failures");
			return browser.driver.findElements(By.cssSelector(".group"))
				.stream()
				.anyMatch((row) -> row.getText().contains(text));
		});
		return browser.driver.findElements(By.cssSelector(".group"))
			.stream()
			.filter((row) -> row.getText().contains(text))
			.findFirst()
			.orElseThrow();
	}

	private static void placeOrder(String sku) throws Exception {
		HttpResponse<String> placed = send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(orders) + "/orders"))
					.header("content-type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"c-console\",\"region\":\"us\","
							+ "\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}")));
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ConfigurableApplicationContext start(SpringApplication application, String... arguments) {
		Map<String, String> all = new LinkedHashMap<>();
		List<String> given = new ArrayList<>(
				List.of("--server.port=0", "--spring.main.banner-mode=off", "--bus.tracing.enabled=false"));
		given.addAll(List.of(arguments));
		given.forEach((argument) -> all.put(argument.substring(0, argument.indexOf('=')), argument));
		ConfigurableApplicationContext context = application.run(all.values().toArray(String[]::new));
		contexts.add(context);
		if (context.getBeanProvider(BusListenerRegistry.class).getIfAvailable() != null) {
			for (var registration : context.getBean(BusListenerRegistry.class).registrations()) {
				BusListenerDefinition definition = registration.definition();
				queues.add(definition.queue());
				queues.add(definition.deadLetterQueue());
				definition.retry().levels().forEach((delay) -> queues.add(definition.retryQueue(delay)));
			}
		}
		return context;
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static double consumed(ConfigurableApplicationContext context, String listener) {
		var timer = context.getBean(MeterRegistry.class)
			.find("bus.delivery")
			.tags("listener", listener, "outcome", "consumed")
			.timer();
		return (timer != null) ? timer.count() : 0;
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

	private static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void requireInfrastructure() {
		for (int port : new int[] { 5673, 5674, 9000, 8500 }) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			}
			catch (Exception ex) {
				throw new AssertionError(
						"The secured RabbitMQ node (5673, TLS 5674), the Bus issuer (9000) or Consul "
								+ "(8500) is not running on 127.0.0.1:" + port + ". Start them with: scripts/infra up",
						ex);
			}
		}
	}

}

package dev.bus.console;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.routing.Router;

import static dev.bus.console.SampleSystem.consumed;
import static dev.bus.console.SampleSystem.freePort;
import static dev.bus.console.SampleSystem.port;
import static dev.bus.console.SampleSystem.send;
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

	private static SampleSystem system;

	private static ConfigurableApplicationContext inventory;

	private static ConfigurableApplicationContext orders;

	private static String console;

	@BeforeAll
	static void startTheSampleSystemAndTheConsole() throws Exception {
		system = new SampleSystem();
		system.scrapedBy("console-it-" + system.suffix);
		inventory = system.inventory;
		orders = system.orders;
		ConfigurableApplicationContext app = system.start(new SpringApplication(BusConsoleApplication.class),
				"--bus.console.routing-prefix=" + system.routes,
				"--bus.console.trace-url=http://127.0.0.1:9411/zipkin/traces/{traceId}",
				"--bus.console.prometheus-url=http://127.0.0.1:9090");
		console = "http://127.0.0.1:" + port(app);
	}

	@AfterAll
	static void stopEverything() throws Exception {
		system.close();
	}

	@Test
	void anOperatorRetriesAPoisonedOrderAfterFixingItsCause() throws Exception {
		String sku = "sku-console-" + system.suffix;
		system.placeOrder(sku);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			WebElement group = awaitGroup(operator, "UnknownProductException", Duration.ofSeconds(30));
			assertThat(group.getText()).contains("inventory-" + system.suffix, "stockReservations.reserve",
					"orders.created", "handler-failed");
			operator.screenshot("failures");
			operator.go("/failures/" + group.getDomAttribute("id").substring("group-".length()));
			assertThat(operator.text("main")).as("the order is encrypted: the console holds no key")
				.contains("encrypted: not shown")
				.doesNotContain(sku);
			// its trace, in Zipkin, where the sidecar sent it
			String trace = operator.driver.findElement(By.cssSelector(".message a.trace")).getDomAttribute("href");
			assertThat(trace).matches("http://127\\.0\\.0\\.1:9411/zipkin/traces/[0-9a-f]{32}");
			String traceId = trace.substring(trace.lastIndexOf('/') + 1);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(
						send(HttpRequest.newBuilder(URI.create(SampleSystem.ZIPKIN + "/api/v2/trace/" + traceId)))
							.body())
					.contains("\"name\":\"publish orders.created\"", "\"name\":\"process orders.created\""));
			operator.screenshot("failure-group");

			// retried before the cause is fixed: it fails again, and is marked so
			operator.go("/failures");
			assertThat(operator.submit(By.cssSelector(".group .retry-group"))).startsWith("1 retried");
			awaitGroup(operator, "failed again after retry", Duration.ofSeconds(30));
			operator.screenshot("failed-again");

			// the cause fixed (the product added to the catalog), the group retried:
			// handled
			system.stock(sku);
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
			assertThat(operator.text("#service-inventory-" + system.suffix)).contains("passing",
					"stockReservations.reserve", "consuming");
			operator.screenshot("fleet");
		}
	}

	@Test
	void theFlowShowsEachTopicsLiveRatesFromPrometheus() throws Exception {
		double reservedBefore = consumed(inventory, "stockReservations.reserve");
		java.util.concurrent.atomic.AtomicInteger placed = new java.util.concurrent.atomic.AtomicInteger();
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			operator.go("/flow");
			assertThat(operator.driver.findElements(By.cssSelector("#flow .topic")).stream().map(WebElement::getText))
				.anySatisfy((topic) -> assertThat(topic).startsWith("orders.created"))
				.anySatisfy((topic) -> assertThat(topic).startsWith("inventory.reserved"));
			// orders keep coming until Prometheus, scraping this system every 2 s, has a
			// rate of them (a counter's first reading is no increase)
			await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(2)).until(() -> {
				system.placeOrder("sku-1");
				placed.incrementAndGet();
				return ratesShown(operator);
			});
			operator.screenshot("flow");
			operator.driver.findElement(By.xpath("//*[@id='flow']//*[text()='orders.created']")).click();
			assertThat(operator.text("#rate")).containsPattern("/(s|min) in");
			assertThat(operator.text("#encrypted")).as("orders.* is encrypted (inventory's keyset, its contract)")
				.startsWith("Encrypted end to end")
				.contains("inventory-" + system.suffix);
			assertThat(operator.text("main")).contains("stockReservations.reserve", "inventory");
		}
		finally {
			double expected = reservedBefore + placed.get();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> consumed(inventory, "stockReservations.reserve") == expected);
		}
	}

	private static boolean ratesShown(Browser browser) {
		browser.go("/flow");
		return browser.driver.findElements(By.cssSelector("#flow .topic"))
			.stream()
			.map(WebElement::getText)
			.anyMatch((topic) -> topic.startsWith("orders.created")
					&& topic.matches("(?s).*([1-9][0-9]*\\.[0-9]|0\\.[1-9])/(s|min) in.*"));
	}

	@Test
	void whatAHoldRuleHoldsIsCountedAndReleasedFromTheConsole() throws Exception {
		String key = system.routes + "incident";
		system.deleteOnClose("bus.hold.incident.freeze");
		system.consul.putKv(key, """
				{"name": "incident", "version": 1, "rules": [
				  {"name": "freeze", "topic": "inventory.reserved", "action": "hold"}]}""");
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			await().atMost(Duration.ofSeconds(10)).until(() -> hasRuleSet(inventory, "incident"));
			double reservationsBefore = consumed(orders, "reservationListener.onReserved");
			double reservedBefore = consumed(inventory, "stockReservations.reserve");
			system.placeOrder("sku-1");
			await().atMost(Duration.ofSeconds(20))
				.until(() -> consumed(inventory, "stockReservations.reserve") == reservedBefore + 1);
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
				operator.go("/routing");
				return operator.text("#hold-incident-freeze .held").equals("1");
			});
			assertThat(consumed(orders, "reservationListener.onReserved")).as("held: orders has not heard")
				.isEqualTo(reservationsBefore);
			operator.screenshot("routing-hold");
			assertThat(operator.submit(By.cssSelector("#hold-incident-freeze .release")))
				.startsWith("1 released by 1 app(s)");
			await().atMost(Duration.ofSeconds(20))
				.until(() -> consumed(orders, "reservationListener.onReserved") == reservationsBefore + 1);
			operator.go("/audit");
			assertThat(operator.text("#audit .event")).contains("operator", "hold-release", "incident/freeze",
					"1 released");
		}
		finally {
			system.consul.status("DELETE", "/v1/kv/" + key, null);
			await().atMost(Duration.ofSeconds(10)).until(() -> !hasRuleSet(inventory, "incident"));
		}
	}

	private static boolean hasRuleSet(ConfigurableApplicationContext app, String name) {
		return app.getBean(Router.class).ruleSets().stream().anyMatch((ruleSet) -> ruleSet.name().equals(name));
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
		String sku = "sku-elsewhere-" + system.suffix;
		double reservedBefore = consumed(inventory, "stockReservations.reserve");
		system.placeOrder(sku);
		try (Browser operator = Browser.open(console).login("operator", "operator-password")) {
			WebElement group = awaitGroup(operator, "UnknownProductException", Duration.ofSeconds(30));
			operator.go("/failures/" + group.getDomAttribute("id").substring("group-".length()));
			operator.driver.findElement(By.cssSelector(".message input[name=messageId]")).click();
			// meanwhile, another operator fixes the cause and replays it with the app's
			// own actuator operation
			system.stock(sku);
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
		String sku = "sku-discard-" + system.suffix;
		system.placeOrder(sku);
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
		String ghost = "ghost-" + system.suffix;
		int closed = freePort();
		assertThat(system.consul.status("PUT", "/v1/agent/service/register", """
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
			system.consul.deregister(ghost + "-1");
		}
		ConfigurableApplicationContext blind = system.start(new SpringApplication(BusConsoleApplication.class),
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

}

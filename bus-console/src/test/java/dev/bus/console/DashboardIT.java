package dev.bus.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublisher;

import static dev.bus.console.SampleSystem.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's Grafana dashboard against the real Prometheus that {@code scripts/infra}
 * runs, scraping the sample system running for real (its services' and inventory's
 * sidecar's {@code /actuator/prometheus}): every panel's every query, with the
 * dashboard's variables set to this system's scrape job, must return data. The system is
 * given what the panels show: a trickle of orders, a poisoned order that is
 * dead-lettered, and a publish the orders service's scopes refuse. (Here rather than in
 * {@code deploy}: this module runs the sample system.)
 */
class DashboardIT {

	private static final Path DASHBOARD = Path.of("..", "helm", "bus-service", "dashboards", "bus-overview.json")
		.toAbsolutePath()
		.normalize();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static SampleSystem system;

	private static String job;

	@BeforeAll
	static void startTheSampleSystemAndHavePrometheusScrapeIt() throws Exception {
		SampleSystem.requireInfrastructure(9090);
		system = new SampleSystem("--orders.trickle.enabled=true");
		job = "dashboard-it-" + system.suffix;
		system.scrapedBy(job);
	}

	@AfterAll
	static void stop() throws Exception {
		system.close();
	}

	@Test
	void everyPanelsQueryReturnsDataFromTheRunningSampleSystem() throws Exception {
		// what the failure panels show: a dead letter, and a publish the scopes refuse
		system.placeOrder("sku-dashboard-" + system.suffix);
		assertThat(system.orders.getBean(BusPublisher.class).publish("inventory.reserved", Map.of("x", 1)))
			.as("orders may not publish inventory's topic")
			.failsWithin(Duration.ofSeconds(10));
		Map<String, String> queries = queries();
		assertThat(queries).hasSizeGreaterThanOrEqualTo(13);
		Map<String, String> empty = new TreeMap<>();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			empty.clear();
			for (Map.Entry<String, String> query : queries.entrySet()) {
				JsonNode answer = query(query.getValue());
				assertThat(answer.path("status").asString()).as(query.getKey() + ": " + answer).isEqualTo("success");
				if (answer.path("data").path("result").isEmpty()) {
					empty.put(query.getKey(), query.getValue());
				}
			}
			assertThat(empty).as("panels whose query returned no data").isEmpty();
		});
		System.out.printf("every one of the dashboard's %d queries returned data%n", queries.size());
	}

	@Test
	void aQueryOnAMetricNoServiceHasReturnsNothingSoTheCheckCanFail() throws Exception {
		JsonNode answer = query("sum(rate(bus_no_such_meter_total{job=~\"" + job + "\"}[30s]))");
		assertThat(answer.path("data").path("result").isEmpty()).isTrue();
	}

	/**
	 * Every panel target's query, by panel title and target, with the dashboard's
	 * variables as Grafana would set them for this system.
	 */
	private static Map<String, String> queries() throws Exception {
		JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
		Map<String, String> queries = new TreeMap<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				String expr = target.path("expr").asString().replace("$job", job).replace("$__rate_interval", "30s");
				assertThat(expr).as(panel.path("title").asString()).doesNotContain("$");
				queries.put(panel.path("title").asString() + " / " + target.path("refId").asString(), expr);
			}
		}
		return queries;
	}

	private static JsonNode query(String promql) throws Exception {
		String url = "http://127.0.0.1:9090/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
		return JSON.readTree(send(HttpRequest.newBuilder(URI.create(url))).body());
	}

}

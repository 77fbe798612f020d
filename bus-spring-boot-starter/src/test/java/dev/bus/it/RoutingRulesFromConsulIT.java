package dev.bus.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.core.BusHeaders;
import dev.bus.routing.Router;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing rules written to the real Consul's KV reach a running app through a real
 * sidecar within a second, and route its next publish; a rule set that does not validate
 * is refused whole by the sidecar (its last good version stays in force in the app, the
 * problem shows in the sidecar's status); a deleted rule set stops applying.
 */
class RoutingRulesFromConsulIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	private static String ruleSet(long version, int canaryWeight) {
		return "{\"name\":\"orders\",\"version\":" + version + ",\"rules\":["
				+ "{\"name\":\"v2\",\"topic\":\"orders.created\","
				+ "\"action\":\"redirect\",\"to\":[\"orders.v2.created\"]},"
				+ "{\"name\":\"canary\",\"topic\":\"payments.*\",\"action\":\"split\","
				+ "\"to\":[\"payments.a\",\"payments.b\"],\"weights\":[50," + canaryWeight + "]}]}";
	}

	private static JsonNode sidecarStatus(ConfigurableApplicationContext sidecar) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(Sidecars.api(sidecar) + "/v1/status")).build(),
					HttpResponse.BodyHandlers.ofString());
		return JsonMapper.builder().build().readTree(response.body());
	}

	@Test
	void aRuleWrittenToConsulRoutesTheNextPublishWithinASecond() throws Exception {
		ConsulApi consul = ConsulApi.local();
		String prefix = BusContexts.uniqueName("bus-it-routes") + "/";
		String exchange = BusContexts.uniqueName("bus-routes");
		ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-routing-app",
				"bus.sidecar.app.port=1", "bus.sidecar.routing.prefix=" + prefix,
				"bus.sidecar.discovery.broker-service=" + BusContexts.uniqueName("bus-it-no-brokers"));
		try (ConfigurableApplicationContext app = BusContexts.start(exchange, "shop",
				List.of(RoutingIT.Listeners.class), "bus.sidecar-client.url=" + Sidecars.api(sidecar),
				"bus.sidecar-client.allow-insecure-brokers=true")) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			Router router = app.getBean(Router.class);
			RoutingIT.Listeners listeners = app.getBean(RoutingIT.Listeners.class);

			long written = System.nanoTime();
			consul.putKv(prefix + "orders", ruleSet(1, 50));
			await().atMost(Duration.ofSeconds(5)).until(() -> !router.ruleSets().isEmpty());
			Duration propagation = Duration.ofNanos(System.nanoTime() - written);
			System.out.println(
					"Routing rule propagation, Consul write to in force in the app: " + propagation.toMillis() + " ms");
			assertThat(propagation).isLessThan(Duration.ofSeconds(1));
			app.getBean(BusPublisher.class).publish("orders.created", "o-1").join();
			BusMessage<String> routed = listeners.v2.awaitCount(1).get(0);
			assertThat(routed.header(BusHeaders.ROUTED_BY)).isEqualTo("orders@1/v2");

			// Version 2 does not validate (weights sum to 90): refused whole, version 1
			// stays in force.
			consul.putKv(prefix + "orders", ruleSet(2, 40));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> sidecarStatus(sidecar).path("routing")
					.path("problems")
					.path(prefix + "orders")
					.asString()
					.contains("must sum to 100"));
			assertThat(router.ruleSets()).singleElement().satisfies((set) -> assertThat(set.version()).isEqualTo(1));

			consul.deleteKvTree(prefix);
			await().atMost(Duration.ofSeconds(5)).until(() -> router.ruleSets().isEmpty());
		}
		finally {
			sidecar.close();
			consul.deleteKvTree(prefix);
		}
	}

}

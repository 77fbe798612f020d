package dev.bus.sidecar;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.sidecar.SidecarApi;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.test.AppDouble;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.ConsulProcess;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consul as a secured control plane: the sidecar refuses an agent anyone may use, and works on one that enforces
 * ACLs (default deny) with the least-privilege policy docs/sidecar.md gives, while that token, another service's
 * and no token at all cannot change what the app obeys (routing rules, a broker instance, its maintenance).
 */
class SecuredConsulIT {

	private static final String MASTER = "bus-test-master-token";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final String name = "bus-acl-" + UUID.randomUUID().toString().substring(0, 8);

	private final String instanceId = this.name + "-1";

	private ConfigurableApplicationContext sidecar;

	private AppDouble app;

	@AfterEach
	void tearDown() {
		if (this.sidecar != null) {
			this.sidecar.close();
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void anAgentThatAnswersWithoutATokenIsRefusedUnlessDeclaredForDevelopment() {
		this.app = AppDouble.start();
		ConsulApi consul = ConsulApi.local();
		this.sidecar = start(ConsulApi.URL, null, "bus.sidecar.consul.development=false");
		AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> registrar.status().consulError() != null);
		assertThat(registrar.status().consulError()).contains("answers requests without an ACL token",
				"bus.sidecar.consul.development=true");
		assertThat(consul.services()).as("nothing registered in an open Consul").doesNotContainKey(this.instanceId);
	}

	@Test
	void theLeastPrivilegePolicyIsEnoughAndLetsNobodyElseSteerTheApp() throws Exception {
		this.app = AppDouble.start();
		String routes = "bus/routes-" + this.name + "/";
		try (ConsulProcess secured = new ConsulProcess(SidecarRegistrationIT.freePortBlock(),
				"acl { enabled = true, default_policy = \"deny\", tokens { master = \"" + MASTER + "\", agent = \""
						+ MASTER + "\" } }")) {
			secured.start();
			ConsulApi admin = secured.api(MASTER);
			// A new agent answers "The ACL system is currently in legacy mode" until its ACLs are bootstrapped.
			await().atMost(Duration.ofSeconds(30)).until(() -> admin.status("GET", "/v1/acl/policies", null) == 200);
			// As docs/sidecar.md gives them: the sidecar's, and the operators' who edit routing rules.
			String sidecarToken = admin.createToken(this.name + "-sidecar",
					"service \"" + this.name + "\" { policy = \"write\" }\n"
							+ "service_prefix \"\" { policy = \"read\" }\n" + "node_prefix \"\" { policy = \"read\" }\n"
							+ "key_prefix \"" + routes + "\" { policy = \"read\" }\n");
			String operatorToken = admin.createToken(this.name + "-operator",
					"key_prefix \"" + routes + "\" { policy = \"write\" }\n");
			String otherServiceToken = admin.createToken(this.name + "-other",
					"service \"payments\" { policy = \"write\" }\n" + "service_prefix \"\" { policy = \"read\" }\n"
							+ "node_prefix \"\" { policy = \"read\" }\n");

			this.sidecar = start(secured.url(), sidecarToken, "bus.sidecar.consul.development=false",
					"bus.sidecar.routing.prefix=" + routes);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "passing".equals(admin.checkStatus("service:" + this.instanceId)));
			secured.api(operatorToken).putKv(routes + "orders",
					"{\"name\":\"orders\",\"version\":1,\"rules\":[{\"name\":\"v2\",\"topic\":\"orders.created\","
							+ "\"action\":\"redirect\",\"to\":[\"orders.v2.created\"]}]}");
			await().atMost(Duration.ofSeconds(10)).until(() -> routes().contains("orders.v2.created"));

			String rejectAll = "{\"name\":\"aaa\",\"version\":1,\"rules\":[{\"name\":\"stop\",\"topic\":\"#\","
					+ "\"action\":\"reject\",\"reason\":\"x\"}]}";
			String fakeBroker = "{\"Name\":\"rabbitmq\",\"ID\":\"fake\",\"Address\":\"203.0.113.9\",\"Port\":5672}";
			for (ConsulApi attacker : new ConsulApi[] { secured.api(null), secured.api(sidecarToken),
					secured.api(otherServiceToken) }) {
				assertThat(attacker.status("PUT", "/v1/kv/" + routes + "aaa", rejectAll)).as("write a routing rule")
					.isEqualTo(403);
				assertThat(attacker.status("PUT", "/v1/agent/service/register", fakeBroker))
					.as("register a broker instance")
					.isEqualTo(403);
			}
			for (ConsulApi attacker : new ConsulApi[] { secured.api(null), secured.api(otherServiceToken) }) {
				assertThat(attacker.status("PUT",
						"/v1/agent/service/maintenance/" + this.instanceId + "?enable=true&reason=x", ""))
					.as("put the app's instance in maintenance")
					.isEqualTo(403);
			}
			assertThat(routes()).doesNotContain("\"aaa\"");
			assertThat(admin.inMaintenance(this.instanceId)).isFalse();
		}
	}

	private ConfigurableApplicationContext start(String consulUrl, String token, String... more) {
		java.util.List<String> properties = new java.util.ArrayList<>(java.util.List.of(
				"bus.sidecar.app.name=" + this.name, "bus.sidecar.app.port=" + this.app.port(),
				"bus.sidecar.registration.instance-id=" + this.instanceId, "bus.sidecar.consul.url=" + consulUrl));
		if (token != null) {
			properties.add("bus.sidecar.consul.acl-token=" + token);
		}
		properties.addAll(java.util.List.of(more));
		return Sidecars.start(properties.toArray(String[]::new));
	}

	private String routes() throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(Sidecars.api(this.sidecar) + SidecarApi.ROUTES)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}

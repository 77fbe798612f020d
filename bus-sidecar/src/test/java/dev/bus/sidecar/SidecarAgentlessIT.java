package dev.bus.sidecar;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.sidecar.SidecarApi;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.test.AppDouble;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.ConsulProcess;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.sidecar.test.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agentless layout of consul-k8s 1.x, as the chart's examples run it: no client agent
 * on the node, the sidecar talks to a Consul server over HTTPS with a client certificate
 * and an ACL token, registers nothing (consul-k8s registers the pods in the catalog from
 * their readiness), and discovers the brokers, other services and the routing rules
 * through blocking queries, with a token that may only read.
 */
class SidecarAgentlessIT {

	private static final String MASTER = "bus-test-agentless-master";

	/** The node catalog sync registers on. */
	private static final String SYNC_NODE = "k8s-sync";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String name = "bus-it-agentless-" + UUID.randomUUID().toString().substring(0, 8);

	private AppDouble app;

	private ConfigurableApplicationContext sidecar;

	@AfterEach
	void stop() {
		if (this.sidecar != null) {
			this.sidecar.close();
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void overTlsWithAReadOnlyTokenItDiscoversWhatConsulK8sRegisteredAndFollowsTheRoutingRules() throws Exception {
		this.app = AppDouble.start();
		TestCertificates certificates = TestCertificates.create();
		int https = SidecarRegistrationIT.freePort();
		String routes = "bus/routes-" + this.name + "/";
		String brokers = this.name + "-rabbitmq";
		try (ConsulProcess server = new ConsulProcess(SidecarRegistrationIT.freePortBlock(),
				"acl { enabled = true, default_policy = \"deny\", tokens { master = \"" + MASTER + "\", agent = \""
						+ MASTER + "\" } }",
				"ports { https = " + https + " }", "cert_file = \"" + certificates.file("server.crt") + "\"",
				"key_file = \"" + certificates.file("server.key") + "\"",
				"ca_file = \"" + certificates.file("ca.crt") + "\"", "verify_incoming_https = true")) {
			server.start();
			ConsulApi admin = server.api(MASTER);
			await().atMost(Duration.ofSeconds(30)).until(() -> admin.status("GET", "/v1/acl/policies", null) == 200);
			// what the sidecar needs when it registers nothing: read, no write anywhere
			String readOnly = admin.createToken(this.name + "-sidecar",
					"service_prefix \"\" { policy = \"read\" }\n" + "node_prefix \"\" { policy = \"read\" }\n"
							+ "key_prefix \"" + routes + "\" { policy = \"read\" }\n");
			// as consul-k8s's catalog sync does: the ready pods of the Services (the
			// second
			// broker pod is not ready yet)
			catalogSync(admin, brokers, brokers + "-0", "10.0.0.7", 5671);
			catalogSync(admin, this.name, this.name + "-pod-1", "10.0.0.9", 8080);

			this.sidecar = Sidecars.start("bus.sidecar.app.name=" + this.name,
					"bus.sidecar.app.port=" + this.app.port(), "bus.sidecar.registration.enabled=false",
					"bus.sidecar.consul.url=https://127.0.0.1:" + https, "bus.sidecar.consul.ssl-bundle=consul",
					"spring.ssl.bundle.pem.consul.truststore.certificate=file:" + certificates.file("ca.crt"),
					"spring.ssl.bundle.pem.consul.keystore.certificate=file:" + certificates.file("client.crt"),
					"spring.ssl.bundle.pem.consul.keystore.private-key=file:" + certificates.file("client.key"),
					"bus.sidecar.consul.acl-token=" + readOnly, "bus.sidecar.consul.development=false",
					"bus.sidecar.discovery.broker-service=" + brokers, "bus.sidecar.routing.prefix=" + routes);
			AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);

			JsonNode found = await().atMost(Duration.ofSeconds(10))
				.until(() -> get(SidecarApi.BROKERS), (body) -> body.path("instances").size() == 1);
			assertThat(found.path("instances").get(0).path("address").asString())
				.as("the ready broker pod catalog sync registered")
				.isEqualTo("10.0.0.7");
			assertThat(get(SidecarApi.SERVICES + this.name).path("instances").get(0).path("id").asString())
				.isEqualTo(this.name + "-pod-1");

			catalogSync(admin, brokers, brokers + "-1", "10.0.0.8", 5671);
			await().atMost(Duration.ofSeconds(5)).until(() -> get(SidecarApi.BROKERS).path("instances").size() == 2);
			// the first no longer ready: catalog sync removes it
			assertThat(admin.status("PUT", "/v1/catalog/deregister",
					"{\"Node\":\"" + SYNC_NODE + "\",\"ServiceID\":\"" + brokers + "-0\"}"))
				.isEqualTo(200);
			JsonNode left = await().atMost(Duration.ofSeconds(5))
				.until(() -> get(SidecarApi.BROKERS), (body) -> body.path("instances").size() == 1);
			assertThat(left.path("instances").get(0).path("address").asString()).isEqualTo("10.0.0.8");

			admin.putKv(routes + "orders",
					"{\"name\":\"orders\",\"version\":1,\"rules\":[{\"name\":\"v2\",\"topic\":\"orders.created\","
							+ "\"action\":\"redirect\",\"to\":[\"orders.v2.created\"]}]}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> get(SidecarApi.ROUTES).toString().contains("orders.v2.created"));

			await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(registrar.status().health()));
			assertThat(registrar.status().registered()).as("registration is consul-k8s's").isFalse();
			assertThat(registrar.status().consulError()).as("a read-only token is all it needs").isNull();
			assertThat(admin.services()).as("nothing on the server's own agent").doesNotContainKey(this.name);
		}
	}

	/**
	 * As consul-k8s's catalog sync registers a ready pod of an annotated Service: on its
	 * own node, without a check.
	 */
	private static void catalogSync(ConsulApi admin, String service, String id, String address, int port) {
		String body = "{\"Node\":\"" + SYNC_NODE + "\",\"Address\":\"127.0.0.1\",\"Service\":{\"Service\":\"" + service
				+ "\",\"ID\":\"" + id + "\",\"Address\":\"" + address + "\",\"Port\":" + port
				+ ",\"Meta\":{\"external-source\":\"kubernetes\"}}}";
		assertThat(admin.status("PUT", "/v1/catalog/register", body)).as("register " + id).isEqualTo(200);
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(URI.create(Sidecars.api(this.sidecar) + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body());
	}

}

package dev.bus.sidecar;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.bus.core.sidecar.SidecarApi;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.test.AppDouble;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.ConsulProcess;
import dev.bus.sidecar.test.TestCertificates;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration and heartbeats against the real Consul agent: the app registered once it
 * answers, the TTL check following its health (up, down, garbage, no answer in time),
 * maintenance then deregistration on shutdown, and registration again after Consul lost
 * it; Consul with ACLs: the token, least privilege, and an open agent refused.
 */
class SidecarRegistrationIT {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String ACL_MASTER = "bus-test-master-token";

	private final ConsulApi consul = ConsulApi.local();

	private final String name = "bus-it-" + UUID.randomUUID().toString().substring(0, 8);

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
		if (this.consul.services().containsKey(this.instanceId)) {
			this.consul.deregister(this.instanceId);
		}
	}

	private ConfigurableApplicationContext startSidecar(int appPort, String... extra) {
		String[] properties = new String[extra.length + 5];
		properties[0] = "bus.sidecar.app.name=" + this.name;
		properties[1] = "bus.sidecar.app.port=" + appPort;
		properties[2] = "bus.sidecar.app.version=1.2.3";
		properties[3] = "bus.sidecar.registration.instance-id=" + this.instanceId;
		properties[4] = "bus.sidecar.app.timeout=500ms";
		System.arraycopy(extra, 0, properties, 5, extra.length);
		return Sidecars.start(properties);
	}

	private String check() {
		return this.consul.checkStatus("service:" + this.instanceId);
	}

	@Test
	void registersTheAppOnceItAnswersAndTheCheckFollowsItsHealth() {
		int port = freePort();
		this.sidecar = startSidecar(port, "bus.sidecar.app.tags=blue,eu");
		// The app is not up yet: nothing is registered (and the sidecar does not fail).
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> !this.consul.services().containsKey(this.instanceId));

		this.app = AppDouble.start(port);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.consul.services().containsKey(this.instanceId));
		JsonNode service = this.consul.services().get(this.instanceId);
		assertThat(service.path("Service").asString()).isEqualTo(this.name);
		assertThat(service.path("Port").asInt()).isEqualTo(port);
		assertThat(service.path("Tags").valueStream().map(JsonNode::asString)).containsExactly("blue", "eu");
		assertThat(service.path("Meta").path("version").asString()).isEqualTo("1.2.3");
		assertThat(service.path("Meta").path("bus-listens").asString()).isEqualTo("orders.created,payments.#");
		assertThat(service.path("Meta").path("bus-publishes").asString()).isEqualTo("inventory.reserved");
		// Registered passing at once: no critical window waiting for the first heartbeat.
		assertThat(check()).isEqualTo("passing");

		this.app.down();
		await().atMost(Duration.ofSeconds(3)).until(() -> "critical".equals(check()));
		assertThat(this.consul.checkOutput("service:" + this.instanceId)).contains("DOWN");

		this.app.up();
		await().atMost(Duration.ofSeconds(3)).until(() -> "passing".equals(check()));

		this.app.health(200, "<html>not json</html>");
		await().atMost(Duration.ofSeconds(3)).until(() -> "critical".equals(check()));
		assertThat(this.consul.checkOutput("service:" + this.instanceId)).contains("not JSON");

		this.app.health(200, "{\"status\":\"UNKNOWN\"}");
		await().atMost(Duration.ofSeconds(3)).until(() -> "warning".equals(check()));

		this.app.up();
		this.app.answerHealthAfter(Duration.ofSeconds(2));
		await().atMost(Duration.ofSeconds(5)).until(() -> "critical".equals(check()));
		assertThat(this.consul.checkOutput("service:" + this.instanceId)).contains("no health answer within 500 ms");
	}

	/**
	 * Where consul-k8s registers the pods itself (agentless): the sidecar only follows
	 * the app's health.
	 */
	@Test
	void withRegistrationOffItNeverTouchesTheAppsEntryButStillFollowsItsHealth() {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.enabled=false");
		AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(registrar.status().health()));
		this.app.down();
		await().atMost(Duration.ofSeconds(5)).until(() -> "critical".equals(registrar.status().health()));
		assertThat(this.consul.services()).doesNotContainKey(this.instanceId);
		assertThat(registrar.status().registered()).isFalse();
		this.sidecar.close();
		this.sidecar = null;
		assertThat(this.consul.services()).doesNotContainKey(this.instanceId);
	}

	/**
	 * A sidecar stopped while the app is gone (the pod's end, the app stopped first)
	 * takes the instance out: maintenance for the drain time, then deregistered.
	 */
	@Test
	void shutdownAfterTheAppPutsTheInstanceInMaintenanceThenDeregistersIt() {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.drain-time=2s");
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));
		this.app.close();

		long started = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.sidecar::close);
		// Peers stop routing to it first: in maintenance, so no longer among the passing
		// instances.
		await().atMost(Duration.ofSeconds(2)).until(() -> this.consul.inMaintenance(this.instanceId));
		assertThat(this.consul.passing(this.name)).isEmpty();
		assertThat(this.consul.services()).containsKey(this.instanceId);
		closing.join();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(this.consul.services()).doesNotContainKey(this.instanceId);
		assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(5));
		this.sidecar = null;
		this.app = null;
	}

	/**
	 * A sidecar replaced under a running app (an upgrade, or the kubelet restarting it):
	 * the instance stays registered and passing for the next sidecar, which takes over
	 * its heartbeats; it never turns critical.
	 */
	@Test
	void aSidecarReplacedUnderARunningAppLeavesTheInstancePassingForItsSuccessor() throws Exception {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.ttl=6s");
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));
		List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
		CompletableFuture<Void> watch = CompletableFuture.runAsync(() -> {
			while (watching.get()) {
				seen.add(String.valueOf(check()));
				try {
					TimeUnit.MILLISECONDS.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		});

		this.sidecar.close();
		assertThat(this.consul.services()).as("left for the next sidecar").containsKey(this.instanceId);
		assertThat(this.consul.inMaintenance(this.instanceId)).isFalse();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.ttl=6s");
		AppRegistrar successor = this.sidecar.getBean(AppRegistrar.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> successor.status().registered());
		watching.set(false);
		watch.join();
		assertThat(seen).as("the check's status every 50 ms through the swap").isNotEmpty().containsOnly("passing");
	}

	/**
	 * The app's drain at its shutdown, on the loopback API: the instance leaves the
	 * passing set for the drain time while the app still serves. The sidecar, stopped
	 * with the app ({@code await-app-stop}), outlives it and then only deregisters. The
	 * management port, which other pods reach, drains nothing.
	 */
	@Test
	void theAppsDrainTakesTheInstanceOutOfThePassingSetAndAStoppingSidecarOutlivesTheApp() throws Exception {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.drain-time=1s",
				"bus.sidecar.registration.await-app-stop=true", "bus.sidecar.registration.app-stop-timeout=20s");
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));
		String management = Sidecars.management(this.sidecar);
		for (String method : List.of("GET", "POST")) {
			HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(management + "/drain"))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(refused.statusCode()).as(method + " /drain on the management port").isIn(404, 405);
		}
		assertThat(this.consul.inMaintenance(this.instanceId)).isFalse();
		HttpResponse<String> notAGet = HTTP.send(HttpRequest.newBuilder(URI.create(drainUri())).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(notAGet.statusCode()).isEqualTo(405);
		assertThat(notAGet.headers().firstValue("Allow")).hasValue("POST");
		assertThat(this.consul.inMaintenance(this.instanceId)).isFalse();

		long started = System.nanoTime();
		HttpResponse<String> drained = drain();
		assertThat(drained.statusCode()).isEqualTo(200);
		assertThat(drained.body()).contains("\"registered\":true");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(this.consul.inMaintenance(this.instanceId)).isTrue();
		assertThat(this.consul.passing(this.name)).isEmpty();
		assertThat(this.consul.services()).as("still registered while the app stops").containsKey(this.instanceId);

		// The sidecar told to stop with the app: serves it until it has stopped.
		ConfigurableApplicationContext stopping = this.sidecar;
		this.sidecar = null;
		CompletableFuture<Void> closing = CompletableFuture.runAsync(stopping::close);
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !closing.isDone());
		assertThat(this.consul.services()).containsKey(this.instanceId);
		started = System.nanoTime();
		this.app.close();
		this.app = null;
		closing.get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no second drain")
			.isLessThan(Duration.ofSeconds(1));
		assertThat(this.consul.services()).doesNotContainKey(this.instanceId);
	}

	/**
	 * An app container restarted alone (after a failed liveness probe) drained at its
	 * stop: the restarted app must come back into the passing set, not stay in
	 * maintenance until the pod goes.
	 */
	@Test
	void anAppRestartedAloneAfterItsDrainComesBackIntoThePassingSet() throws Exception {
		this.app = AppDouble.start();
		int port = this.app.port();
		this.sidecar = startSidecar(port, "bus.sidecar.registration.drain-time=1s");
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));

		assertThat(drain().statusCode()).isEqualTo(200);
		assertThat(this.consul.inMaintenance(this.instanceId)).isTrue();
		this.app.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> "critical".equals(check()));
		this.app = AppDouble.start(port);

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.consul.inMaintenance(this.instanceId));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.consul.passing(this.name).contains(this.instanceId));

		// and the next stop drains again
		drain();
		assertThat(this.consul.inMaintenance(this.instanceId)).isTrue();
	}

	private String drainUri() {
		return Sidecars.api(this.sidecar) + SidecarApi.DRAIN;
	}

	private HttpResponse<String> drain() throws Exception {
		return HTTP.send(
				HttpRequest.newBuilder(URI.create(drainUri())).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void livenessFailsWhenTheHeartbeatLoopHasDiedSoTheKubeletRestartsTheSidecar() throws Exception {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.registration.max-backoff=500ms");
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));
		URI liveness = URI.create(Sidecars.management(this.sidecar) + "/actuator/health/liveness");
		assertThat(
				HTTP.send(HttpRequest.newBuilder(liveness).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(200);
		// The loop's thread gone, as after an Error nobody caught: nothing reports the
		// app's health any more.
		this.sidecar.getBean("sidecarHeartbeatScheduler", ThreadPoolTaskScheduler.class).shutdown();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> HTTP.send(HttpRequest.newBuilder(liveness).build(), HttpResponse.BodyHandlers.ofString())
				.statusCode() == 503);
	}

	@Test
	void registersAgainWhenConsulForgetsTheInstance() {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port());
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));

		this.consul.deregister(this.instanceId);
		// The next heartbeat (every ttl/3 = 1 s) is rejected, and the sidecar registers
		// the app again.
		await().atMost(Duration.ofSeconds(5)).until(() -> "passing".equals(check()));
		assertThat(this.consul.services().get(this.instanceId).path("Meta").path("version").asString())
			.isEqualTo("1.2.3");
	}

	@Test
	void keepsRunningWhileConsulIsDownAndRegistersAgainAfterItsRestart() throws Exception {
		this.app = AppDouble.start();
		try (ConsulProcess ownConsul = new ConsulProcess(freePortBlock())) {
			ownConsul.start();
			ConsulApi api = ownConsul.api();
			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=" + ownConsul.url());
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "passing".equals(api.checkStatus("service:" + this.instanceId)));

			ownConsul.stop();
			// Down long enough for an exponential backoff to have grown to its 10 s cap
			// (6 attempts).
			io.micrometer.core.instrument.Counter errors = this.sidecar
				.getBean(io.micrometer.core.instrument.MeterRegistry.class)
				.counter("bus.sidecar.consul.errors", "operation", "registration");
			await().atMost(Duration.ofSeconds(30)).until(() -> errors.count() >= 6);
			assertThat(this.sidecar.getBean(AppRegistrar.class).status().consulError()).contains("refused");
			assertThat(this.sidecar.isRunning()).isTrue();

			// A dev agent restarts empty, as an agent that lost its state would.
			ownConsul.start();
			long back = System.nanoTime();
			await().atMost(Duration.ofSeconds(3))
				.until(() -> "passing".equals(api.checkStatus("service:" + this.instanceId)));
			System.out.printf("[consul restart] registered again %d ms after the agent was back%n",
					(System.nanoTime() - back) / 1_000_000);
			// the pod's end: the app first, then the sidecar takes the instance out
			this.app.close();
			this.app = null;
			this.sidecar.close();
			this.sidecar = null;
			assertThat(api.services()).doesNotContainKey(this.instanceId);
		}
	}

	@Test
	void registersWithTheAclTokenAndSaysWhyWhenItIsMissing() throws Exception {
		this.app = AppDouble.start();
		String token = ACL_MASTER;
		try (ConsulProcess secured = new ConsulProcess(freePortBlock(),
				"acl { enabled = true, default_policy = \"deny\", tokens { master = \"" + token + "\", agent = \""
						+ token + "\" } }")) {
			secured.start();
			ConsulApi api = secured.api(token);
			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=" + secured.url());
			AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> registrar.status().consulError() != null);
			assertThat(registrar.status().consulError()).contains("HTTP 403", "bus.sidecar.consul.acl-token");
			assertThat(api.services()).doesNotContainKey(this.instanceId);
			this.sidecar.close();

			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=" + secured.url(),
					"bus.sidecar.consul.acl-token=" + token);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "passing".equals(api.checkStatus("service:" + this.instanceId)));
			// the pod's end: the app first, then the sidecar takes the instance out
			this.app.close();
			this.app = null;
			this.sidecar.close();
			this.sidecar = null;
			assertThat(api.services()).doesNotContainKey(this.instanceId);
		}
	}

	@Test
	void registersOverTlsWithTheCertificatesOfAnSslBundle() throws Exception {
		this.app = AppDouble.start();
		TestCertificates certificates = TestCertificates.create();
		int https = freePort();
		try (ConsulProcess tlsConsul = new ConsulProcess(freePortBlock(), "ports { https = " + https + " }",
				"cert_file = \"" + certificates.file("server.crt") + "\"",
				"key_file = \"" + certificates.file("server.key") + "\"",
				"ca_file = \"" + certificates.file("ca.crt") + "\"", "verify_incoming_https = true")) {
			tlsConsul.start();
			ConsulApi api = tlsConsul.api();
			String trustOnly = "spring.ssl.bundle.pem.consul.truststore.certificate=file:"
					+ certificates.file("ca.crt");
			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=https://127.0.0.1:" + https,
					"bus.sidecar.consul.ssl-bundle=consul", trustOnly);
			AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> registrar.status().consulError() != null);
			assertThat(api.services()).as("Consul verifies clients: no client certificate, no registration")
				.doesNotContainKey(this.instanceId);
			this.sidecar.close();

			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=https://127.0.0.1:" + https,
					"bus.sidecar.consul.ssl-bundle=consul", trustOnly,
					"spring.ssl.bundle.pem.consul.keystore.certificate=file:" + certificates.file("client.crt"),
					"spring.ssl.bundle.pem.consul.keystore.private-key=file:" + certificates.file("client.key"));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "passing".equals(api.checkStatus("service:" + this.instanceId)));
			// the pod's end: the app first, then the sidecar takes the instance out
			this.app.close();
			this.app = null;
			this.sidecar.close();
			this.sidecar = null;
			assertThat(api.services()).doesNotContainKey(this.instanceId);
		}
	}

	/**
	 * Consul as a secured control plane: an agent anyone may use is refused, one that
	 * enforces ACLs (default deny) works with the least-privilege policy docs/sidecar.md
	 * gives, while that token, another service's and no token cannot change what the app
	 * obeys (routing rules, a broker instance, its maintenance).
	 */
	@Test
	void anAgentThatAnswersWithoutATokenIsRefusedUnlessDeclaredForDevelopment() {
		this.app = AppDouble.start();
		this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.development=false");
		AppRegistrar registrar = this.sidecar.getBean(AppRegistrar.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> registrar.status().consulError() != null);
		assertThat(registrar.status().consulError()).contains("answers requests without an ACL token",
				"bus.sidecar.consul.development=true");
		assertThat(this.consul.services()).as("nothing registered in an open Consul")
			.doesNotContainKey(this.instanceId);
	}

	@Test
	void theLeastPrivilegePolicyIsEnoughAndLetsNobodyElseSteerTheApp() throws Exception {
		this.app = AppDouble.start();
		String routes = "bus/routes-" + this.name + "/";
		try (ConsulProcess secured = new ConsulProcess(freePortBlock(),
				"acl { enabled = true, default_policy = \"deny\", tokens { master = \"" + ACL_MASTER + "\", agent = \""
						+ ACL_MASTER + "\" } }")) {
			secured.start();
			ConsulApi admin = secured.api(ACL_MASTER);
			// A new agent answers "The ACL system is currently in legacy mode" until its
			// ACLs are bootstrapped.
			await().atMost(Duration.ofSeconds(30)).until(() -> admin.status("GET", "/v1/acl/policies", null) == 200);
			// As docs/sidecar.md gives them: the sidecar's, and the operators' who edit
			// routing rules.
			String sidecarToken = admin.createToken(this.name + "-sidecar",
					"service \"" + this.name + "\" { policy = \"write\" }\n"
							+ "service_prefix \"\" { policy = \"read\" }\n" + "node_prefix \"\" { policy = \"read\" }\n"
							+ "key_prefix \"" + routes + "\" { policy = \"read\" }\n");
			String operatorToken = admin.createToken(this.name + "-operator",
					"key_prefix \"" + routes + "\" { policy = \"write\" }\n");
			String otherServiceToken = admin.createToken(this.name + "-other",
					"service \"payments\" { policy = \"write\" }\n" + "service_prefix \"\" { policy = \"read\" }\n"
							+ "node_prefix \"\" { policy = \"read\" }\n");

			this.sidecar = startSidecar(this.app.port(), "bus.sidecar.consul.url=" + secured.url(),
					"bus.sidecar.consul.acl-token=" + sidecarToken, "bus.sidecar.consul.development=false",
					"bus.sidecar.routing.prefix=" + routes);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "passing".equals(admin.checkStatus("service:" + this.instanceId)));
			secured.api(operatorToken)
				.putKv(routes + "orders",
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

	private String routes() throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create(Sidecars.api(this.sidecar) + SidecarApi.ROUTES)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** A port p with p..p+3 free (the test agent's HTTP, server and Serf ports). */
	static int freePortBlock() {
		for (int attempt = 0; attempt < 50; attempt++) {
			int base = 20000 + (int) (Math.random() * 20000);
			if (allFree(base, 4)) {
				return base;
			}
		}
		throw new IllegalStateException("no 4 consecutive free ports found");
	}

	private static boolean allFree(int base, int count) {
		for (int port = base; port < base + count; port++) {
			try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
					java.net.InetAddress.getLoopbackAddress())) {
				socket.setReuseAddress(true);
			}
			catch (java.io.IOException ex) {
				return false;
			}
		}
		return true;
	}

}

package dev.bus.sidecar;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.discovery.ServiceWatches;
import dev.bus.sidecar.test.AppDouble;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Discovery and the local API against the real Consul agent: blocking-query watches that
 * show a health change within 1 s, the long poll, input errors, the management endpoints,
 * and the loopback-only binding.
 */
@ExtendWith(OutputCaptureExtension.class)
class SidecarDiscoveryIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final ConsulApi consul = ConsulApi.local();

	private static final String BROKERS = "bus-it-rabbitmq-" + UUID.randomUUID().toString().substring(0, 8);

	private static AppDouble app;

	private static ConfigurableApplicationContext sidecar;

	private static String api;

	private final List<String> registered = new ArrayList<>();

	@BeforeAll
	static void startSidecar() {
		app = AppDouble.start();
		sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-discovery", "bus.sidecar.app.port=" + app.port(),
				"bus.sidecar.discovery.broker-service=" + BROKERS);
		api = Sidecars.api(sidecar);
	}

	@AfterAll
	static void stopSidecar() {
		sidecar.close();
		app.close();
	}

	@AfterEach
	void deregister() {
		this.registered.forEach(consul::deregister);
	}

	private void register(String service, String id, int port, String status) {
		consul.registerWithTtl(service, id, port, status);
		this.registered.add(id);
	}

	@Test
	void brokerListFollowsConsulHealthWithinOneSecond() throws Exception {
		register(BROKERS, BROKERS + "-a", 5672, "passing");
		register(BROKERS, BROKERS + "-b", 5673, "critical");
		JsonNode brokers = await().atMost(Duration.ofSeconds(5))
			.until(() -> get("/v1/brokers"), (body) -> body.path("instances").size() == 1);
		assertThat(brokers.path("known").asBoolean()).isTrue();
		assertThat(brokers.path("instances").get(0).path("port").asInt()).isEqualTo(5672);
		assertThat(brokers.path("instances").get(0).path("address").asString()).isEqualTo("127.0.0.1");

		// A long poll on the current index answers as soon as the change reaches the
		// sidecar.
		List<Long> latenciesMillis = new ArrayList<>();
		long index = brokers.path("index").asLong();
		for (String[] change : new String[][] { { "-b", "pass" }, { "-a", "fail" }, { "-a", "pass" } }) {
			String pollPath = "/v1/brokers?index=" + index + "&wait=10s";
			CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> getUnchecked(pollPath));
			// the poll is parked
			await().atMost(Duration.ofSeconds(5)).until(() -> waitingOn(BROKERS) == 1);
			consul.ttl(BROKERS + change[0], change[1]);
			long changed = System.nanoTime();
			JsonNode answer = poll.get();
			latenciesMillis.add((System.nanoTime() - changed) / 1_000_000);
			assertThat(answer.path("index").asLong()).isNotEqualTo(index);
			index = answer.path("index").asLong();
		}
		System.out.println("[discovery] Consul health change -> long poll answered, ms: " + latenciesMillis);
		assertThat(latenciesMillis).allSatisfy((millis) -> assertThat(millis).isLessThan(1000));
		assertThat(get("/v1/brokers").path("instances").size()).isEqualTo(2);
	}

	@Test
	void whenTheBrokerServiceHasNoPassingInstanceTheSidecarSaysSoOnce(CapturedOutput output) throws Exception {
		MeterRegistry meters = sidecar.getBean(MeterRegistry.class);
		String none = "Consul has no passing instance of " + BROKERS;
		register(BROKERS, BROKERS + "-only", 5672, "passing");
		int before = output.getOut().split(none, -1).length;
		await().atMost(Duration.ofSeconds(5)).until(() -> passingBrokers(meters) == 1);
		consul.ttl(BROKERS + "-only", "fail");
		await().atMost(Duration.ofSeconds(5)).until(() -> passingBrokers(meters) == 0);
		assertThat(get("/v1/brokers").path("instances").size()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().split(none, -1).length > before);
		// the passing set does not change: nothing more is said
		consul.ttl(BROKERS + "-only", "fail");
		consul.ttl(BROKERS + "-only", "pass");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> output.getOut().contains("Consul has 1 passing instance(s) of " + BROKERS + " again"));
		assertThat(output.getOut().split(none, -1)).as("one WARN line for the change to none").hasSize(before + 1);
	}

	private static double passingBrokers(MeterRegistry meters) {
		return meters.get("bus.sidecar.brokers.passing").gauge().value();
	}

	@Test
	void anyServiceIsWatchedFromTheFirstTimeTheAppAsksForIt() throws Exception {
		String service = "bus-it-payments-" + UUID.randomUUID().toString().substring(0, 8);
		register(service, service + "-1", 8080, "passing");
		// The first request waits for Consul's first answer rather than serve an empty
		// list.
		JsonNode known = get("/v1/services/" + service);
		assertThat(known.path("known").asBoolean()).isTrue();
		assertThat(known.path("instances").get(0).path("id").asString()).isEqualTo(service + "-1");

		// A long poll with nothing changing answers after its wait with the same index.
		long started = System.nanoTime();
		JsonNode unchanged = get("/v1/services/" + service + "?index=" + known.path("index").asLong() + "&wait=1s");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		assertThat(unchanged.path("index").asLong()).isEqualTo(known.path("index").asLong());
		assertThat(get("/v1/status").path("watches").toString()).contains(service);
	}

	@Test
	void longPollsCannotStarveTheApi() throws Exception {
		JsonNode brokers = get("/v1/brokers");
		String pollPath = "/v1/brokers?index=" + brokers.path("index").asLong() + "&wait=20s";
		List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
		try {
			for (int i = 0; i < SidecarConfiguration.MAX_LONG_POLLS; i++) {
				parked.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(api + pollPath)).build(),
						HttpResponse.BodyHandlers.ofString()));
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> waitingOn(BROKERS) == SidecarConfiguration.MAX_LONG_POLLS);
			assertThat(status("GET", pollPath)).as("one long poll too many").isEqualTo(429);
			MeterRegistry meters = sidecar.getBean(MeterRegistry.class);
			assertThat(meters.get("bus.sidecar.api.long.polls").gauge().value())
				.isEqualTo(SidecarConfiguration.MAX_LONG_POLLS);
			assertThat(meters.get("bus.sidecar.api.rejected").tag("reason", "too-many-long-polls").counter().count())
				.isEqualTo(1);
			long started = System.nanoTime();
			assertThat(get("/v1/status").path("app").isObject()).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("plain requests are still served at once")
				.isLessThan(Duration.ofSeconds(2));
		}
		finally {
			// Wake the parked polls: a change on the broker service answers them all.
			register(BROKERS, BROKERS + "-wake", 5679, "passing");
			for (CompletableFuture<HttpResponse<String>> poll : parked) {
				assertThat(poll.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
		}
	}

	@Test
	void theWatchBeyondTheBoundGets429AndWatchesNobodyAsksForExpire() throws Exception {
		try (ConfigurableApplicationContext own = Sidecars.start("bus.sidecar.app.name=bus-it-watches",
				"bus.sidecar.app.port=" + app.port(), "bus.sidecar.discovery.broker-service=" + BROKERS,
				"bus.sidecar.discovery.wait=1s", "bus.sidecar.discovery.idle-expiry=10s")) {
			String ownApi = Sidecars.api(own);
			String prefix = "bus-it-watch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
			// The broker service holds one slot; a misspelt name, say, asked for 63 times
			// over fills the rest.
			for (int i = 1; i < ServiceWatches.MAX_WATCHES; i++) {
				assertThat(statusAt(ownApi, "/v1/services/" + prefix + i)).isEqualTo(200);
			}
			HttpResponse<String> refused = HTTP.send(
					HttpRequest.newBuilder(URI.create(ownApi + "/v1/services/" + prefix + "one-more")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.body()).contains("already follows " + ServiceWatches.MAX_WATCHES + " services");
			assertThat(own.getBean(MeterRegistry.class)
				.get("bus.sidecar.api.rejected")
				.tag("reason", "too-many-watches")
				.counter()
				.count()).isEqualTo(1);
			// Nobody asks for them again: after the idle expiry their slots are free, the
			// broker's is kept.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> statusAt(ownApi, "/v1/services/" + prefix + "one-more") == 200);
			assertThat(statusAt(ownApi, "/v1/brokers")).isEqualTo(200);
		}
	}

	private static int statusAt(String base, String path) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Test
	void badRequestsGetClearErrors() throws Exception {
		assertThat(status("GET", "/v1/services/bad%20name")).isEqualTo(400);
		assertThat(status("GET", "/v1/brokers?index=x")).isEqualTo(400);
		assertThat(status("GET", "/v1/brokers?index=1&wait=1h")).isEqualTo(400);
		assertThat(status("GET", "/v1/nothing")).isEqualTo(404);
		assertThat(status("POST", "/v1/brokers")).isEqualTo(405);
		JsonNode status = get("/v1/status");
		assertThat(status.path("app").path("instanceId").asString()).startsWith("bus-it-discovery-");
	}

	@Test
	void managementServesProbesAndPrometheusMetrics() throws Exception {
		String management = Sidecars.management(sidecar);
		HttpResponse<String> readiness = HTTP.send(
				HttpRequest.newBuilder(URI.create(management + "/actuator/health/readiness")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"UP\"");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> consul.services().keySet().stream().anyMatch((id) -> id.startsWith("bus-it-discovery-")));
		String metrics = HTTP
			.send(HttpRequest.newBuilder(URI.create(management + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics).contains("bus_sidecar_registrations_total 1.0", "bus_sidecar_app_registered 1.0",
				"bus_sidecar_watch_latency_seconds_count{service=\"" + BROKERS + "\"}", "jvm_memory_used_bytes");
	}

	@Test
	void theLocalApiListensOnLoopbackOnly() throws Exception {
		int port = URI.create(api).getPort();
		assertThat(sidecar.getBean("localApiServer", dev.bus.sidecar.web.SidecarHttpServer.class)
			.address()
			.getAddress()
			.isLoopbackAddress()).isTrue();
		List<InetAddress> others = new ArrayList<>();
		for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			Collections.list(nic.getInetAddresses())
				.stream()
				.filter((address) -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
				.forEach(others::add);
		}
		assertThat(others).as("this host's non-loopback addresses, to try the API port on").isNotEmpty();
		for (InetAddress address : others) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(address, port), 1000);
				throw new AssertionError("The local API answered on " + address + ":" + port);
			}
			catch (IOException expected) {
				// refused: not listening there
			}
		}
	}

	/** Long polls the sidecar reports parked on a service ({@code /v1/status}). */
	private static int waitingOn(String service) throws IOException, InterruptedException {
		for (JsonNode watch : get("/v1/status").path("watches")) {
			if (watch.path("service").asString().equals(service)) {
				return watch.path("waiting").asInt();
			}
		}
		return 0;
	}

	private static JsonNode get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		if (!path.startsWith("/v1/status")) {
			assertThat(response.headers().firstValue("X-Bus-Index")).isPresent();
		}
		return JSON.readTree(response.body());
	}

	private static JsonNode getUnchecked(String path) {
		try {
			return get(path);
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int status(String method, String path) throws IOException, InterruptedException {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create(api + path))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

}

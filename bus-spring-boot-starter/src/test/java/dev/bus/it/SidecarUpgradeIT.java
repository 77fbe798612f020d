package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.ConfirmedLoad;
import dev.bus.test.Rabbit;
import dev.bus.test.history.History;
import dev.bus.test.history.HistoryChecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar upgraded under a running app: stopped, and a new one started on the same
 * ports, while the app (a web app with tracing on, its health reported to Consul by the
 * sidecar) publishes until confirmed and consumes a steady load. The app goes on as if
 * nothing happened, the instance's check in the real Consul is passing every time it is
 * looked at (every 50 ms), and the spans sent while no sidecar listened are counted as
 * dropped by the app ({@code bus.tracing.spans.dropped}) while the new sidecar receives
 * the next ones. Prints its figures with the prefix {@code [upgrade]}.
 */
class SidecarUpgradeIT {

	private static final String TOPIC = "parcels.weighed";

	private static final int PER_SECOND = 500;

	private static final AtomicReference<History> history = new AtomicReference<>();

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	private final ConsulApi consul = ConsulApi.local();

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WeighingApp {

	}

	public static class Weighing {

		@BusListener(topic = TOPIC, concurrency = "2", prefetch = 100)
		void on(BusMessage<String> message) {
			history.get().delivered("weighing", message.messageId());
		}

	}

	@BeforeEach
	void exportEveryTenthOfASecond() {
		System.setProperty("otel.bsp.schedule.delay", "100");
		history.set(new History());
	}

	@AfterEach
	void defaultExportDelay() {
		System.clearProperty("otel.bsp.schedule.delay");
	}

	@Test
	void theAppGoesOnAndTheInstanceStaysPassingWhileItsSidecarIsReplaced() throws Exception {
		Rabbit.requireRunning();
		int appPort = TestSocketUtils.findAvailableTcpPort();
		String instanceId = BusContexts.uniqueName("weighing");
		List<String> sidecarProperties = List.of("bus.sidecar.app.name=bus-it-weighing",
				"bus.sidecar.app.port=" + appPort, "bus.sidecar.registration.instance-id=" + instanceId,
				"bus.sidecar.registration.ttl=6s", "bus.sidecar.api.port=" + TestSocketUtils.findAvailableTcpPort(),
				"bus.sidecar.telemetry.port=" + TestSocketUtils.findAvailableTcpPort(),
				"bus.sidecar.management.port=" + TestSocketUtils.findAvailableTcpPort(),
				// no broker nodes in Consul: the app keeps its configured broker
				"bus.sidecar.discovery.broker-service=" + BusContexts.uniqueName("bus-it-no-brokers"));
		AtomicReference<ConfigurableApplicationContext> sidecar = new AtomicReference<>(
				Sidecars.start(sidecarProperties.toArray(String[]::new)));
		try (ConfigurableApplicationContext app = app(appPort, sidecar.get())) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			String check = "service:" + instanceId;
			await().atMost(Duration.ofSeconds(20)).until(() -> "passing".equals(this.consul.checkStatus(check)));
			List<String> seen = new CopyOnWriteArrayList<>();
			AtomicBoolean watching = new AtomicBoolean(true);
			CompletableFuture<Void> watch = CompletableFuture.runAsync(() -> {
				while (watching.get()) {
					seen.add(String.valueOf(this.consul.checkStatus(check)));
					try {
						TimeUnit.MILLISECONDS.sleep(50);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			});
			MeterRegistry appMeters = app.getBean(MeterRegistry.class);
			ConfirmedLoad load = new ConfirmedLoad(app.getBean(BusPublisher.class), TOPIC, history.get());
			long[] swap = new long[1];
			double[] droppedBefore = new double[1];
			CompletableFuture<Void> upgraded = load.faultAfter(PER_SECOND, () -> {
				droppedBefore[0] = dropped(appMeters);
				long start = System.nanoTime();
				sidecar.get().close();
				sidecar.set(Sidecars.start(sidecarProperties.toArray(String[]::new)));
				AppRegistrar successor = sidecar.get().getBean(AppRegistrar.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> successor.status().registered());
				swap[0] = (System.nanoTime() - start) / 1_000_000;
				PrometheusMeterRegistry sidecarMeters = sidecar.get().getBean(PrometheusMeterRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> sidecarMeters.counter("bus.sidecar.spans.received").count() > 0);
				int confirmedAfter = load.confirmed();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.confirmed() >= confirmedAfter + 2 * PER_SECOND);
			});
			int sent = load.run(PER_SECOND, 5_000, 60 * PER_SECOND, upgraded);
			upgraded.join();
			watching.set(false);
			watch.join();
			HistoryChecker checker = new HistoryChecker(Set.of("weighing"), Set.of(), Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> checker.check(history.get()).groups().get(0).lost() == 0);
			HistoryChecker.Verdict verdict = checker.check(history.get());
			double dropped = dropped(appMeters) - droppedBefore[0];
			double received = sidecar.get()
				.getBean(PrometheusMeterRegistry.class)
				.counter("bus.sidecar.spans.received")
				.count();
			System.out.printf("[upgrade] the sidecar replaced under a running app (%d ms from stop to the new one "
					+ "registered): %s; Consul check sampled %d times, %s; %.0f spans dropped and counted by the app, "
					+ "%.0f received by the new sidecar; %d of %d publish attempts failed%n", swap[0], verdict,
					seen.size(), new ArrayList<>(Set.copyOf(seen)), dropped, received, load.failedAttempts(), sent);
			assertThat(verdict.valid()).as(verdict.toString()).isTrue();
			assertThat(load.failedAttempts()).as("publishes do not go through the sidecar").isZero();
			assertThat(seen).as("the check's status every 50 ms through the swap").isNotEmpty().containsOnly("passing");
			assertThat(received).as("spans reach the new sidecar").isPositive();
		}
		finally {
			sidecar.get().close();
		}
	}

	private static double dropped(MeterRegistry meters) {
		return meters.get("bus.tracing.spans.dropped").functionCounter().count();
	}

	private static ConfigurableApplicationContext app(int port, ConfigurableApplicationContext sidecar) {
		return new SpringApplicationBuilder(WeighingApp.class, Weighing.class).web(WebApplicationType.SERVLET)
			.properties("server.port=" + port, "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"spring.application.name=weighing", "spring.rabbitmq.host=" + Rabbit.HOST,
					"spring.rabbitmq.port=" + Rabbit.PORT, "bus.exchange=" + BusContexts.uniqueName("bus-upgrade"),
					"bus.tracing.enabled=true", "bus.tracing.otlp-endpoint=" + Sidecars.otlpTraces(sidecar),
					"bus.sidecar-client.url=" + Sidecars.api(sidecar), "bus.sidecar-client.allow-insecure-brokers=true",
					"management.endpoints.web.exposure.include=health",
					// the test classpath has JDBC drivers and Spring Security; this app
					// uses
					// neither
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ String.join(",", BusContexts.WEB_SECURITY_AUTO_CONFIGURATIONS))
			.run();
	}

}

package dev.bus.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drains through Consul: a real app (web, actuator) with a real sidecar that registers it
 * in the real Consul, and a second instance of its group. When an operator puts the first
 * instance in maintenance, its listeners pause and the second handles every message; when
 * maintenance ends, the first resumes. When the app shuts down, it takes itself out of
 * the passing set first, while it still serves.
 */
class MaintenanceDrainIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Shipping {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@BusListener(topic = "parcels.ready", group = "shipping")
		void on(String parcel) {
			this.handled.add(parcel);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShippingApp {

	}

	@Test
	void anInstanceInMaintenancePausesItsListenersAndResumesAfter() throws Exception {
		ConsulApi consul = ConsulApi.local();
		String exchange = BusContexts.uniqueName("bus-drain");
		String instanceId = BusContexts.uniqueName("shipping");
		int appPort = freePort();
		ConfigurableApplicationContext sidecar = startSidecar(appPort, instanceId);
		try (ConfigurableApplicationContext drained = startApp(appPort, sidecar, exchange);
				ConfigurableApplicationContext other = BusContexts.start(exchange, "shipping",
						List.of(Shipping.class))) {
			this.cleanup.track(drained);
			BusContexts.awaitConsuming(drained, other);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> "passing".equals(consul.checkStatus("service:" + instanceId)));
			BusListenerRegistry listeners = drained.getBean(BusListenerRegistry.class);
			String listener = listeners.definitions().get(0).id();
			Shipping drainedShipping = drained.getBean(Shipping.class);
			Shipping otherShipping = other.getBean(Shipping.class);
			BusPublisher publisher = other.getBean(BusPublisher.class);

			consul.maintenance(instanceId, true, "kernel upgrade");
			await().atMost(Duration.ofSeconds(20)).until(() -> listeners.pausedBecause(listener) != null);
			assertThat(listeners.pausedBecause(listener)).isEqualTo("instance in maintenance: kernel upgrade");
			int before = drainedShipping.handled.size();
			publishAll(publisher, "during", 100);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> otherShipping.handled.stream()
					.filter((parcel) -> parcel.startsWith("during"))
					.count() == 100);
			assertThat(drainedShipping.handled).hasSize(before);

			consul.maintenance(instanceId, false, "");
			await().atMost(Duration.ofSeconds(20))
				.until(() -> listeners.pausedBecause(listener) == null
						&& listeners.registrations().get(0).activeConsumers() > 0);
			publishAll(publisher, "after", 100);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> drainedShipping.handled.stream().anyMatch((parcel) -> parcel.startsWith("after")));
		}
		finally {
			sidecar.close();
		}
	}

	@Test
	void anAppShuttingDownLeavesThePassingSetFirstWhileItStillServes() throws Exception {
		ConsulApi consul = ConsulApi.local();
		String instanceId = BusContexts.uniqueName("shipping");
		int appPort = freePort();
		ConfigurableApplicationContext sidecar = startSidecar(appPort, instanceId,
				"bus.sidecar.registration.drain-time=2s");
		try {
			ConfigurableApplicationContext app = startApp(appPort, sidecar, BusContexts.uniqueName("bus-drain"));
			this.cleanup.track(app);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> "passing".equals(consul.checkStatus("service:" + instanceId)));
			HttpClient http = HttpClient.newHttpClient();
			HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/actuator/health"))
				.build();

			long started = System.nanoTime();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> consul.inMaintenance(instanceId));
			assertThat(consul.passing("bus-it-shipping")).doesNotContain(instanceId);
			assertThat(closing).as("still shutting down").isNotDone();
			assertThat(http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode())
				.as("the app still serves while peers stop routing to it")
				.isIn(200, 503);
			closing.get(30, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the drain time, then the shutdown")
				.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(consul.services()).as("deregistered only when the sidecar stops").containsKey(instanceId);
		}
		finally {
			sidecar.close();
		}
		assertThat(consul.services()).doesNotContainKey(instanceId);
	}

	private static int freePort() throws IOException {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
	}

	private static ConfigurableApplicationContext startSidecar(int appPort, String instanceId, String... extra) {
		List<String> properties = new ArrayList<>(List.of("bus.sidecar.app.name=bus-it-shipping",
				"bus.sidecar.app.port=" + appPort, "bus.sidecar.registration.instance-id=" + instanceId,
				// no broker nodes in Consul for these tests: the app keeps its configured
				// broker
				"bus.sidecar.discovery.broker-service=" + BusContexts.uniqueName("bus-it-no-brokers")));
		properties.addAll(List.of(extra));
		return Sidecars.start(properties.toArray(String[]::new));
	}

	private static ConfigurableApplicationContext startApp(int appPort, ConfigurableApplicationContext sidecar,
			String exchange) {
		return new SpringApplicationBuilder(ShippingApp.class, Shipping.class).web(WebApplicationType.SERVLET)
			.properties("server.port=" + appPort, "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"spring.application.name=shipping", "spring.rabbitmq.host=" + Rabbit.HOST,
					"spring.rabbitmq.port=" + Rabbit.PORT, "bus.exchange=" + exchange, "bus.tracing.enabled=false",
					"bus.sidecar-client.url=" + Sidecars.api(sidecar), "bus.sidecar-client.allow-insecure-brokers=true",
					"bus.sidecar-client.maintenance-interval=200ms",
					"management.endpoints.web.exposure.include=health,bus",
					// the test classpath has JDBC drivers and Spring Security; this app
					// uses neither
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ String.join(",", BusContexts.WEB_SECURITY_AUTO_CONFIGURATIONS))
			.run();
	}

	private static void publishAll(BusPublisher publisher, String prefix, int count) {
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(publisher.publish("parcels.ready", prefix + "-" + i));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
	}

}

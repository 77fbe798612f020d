package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.Address;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.discovery.SidecarBrokerAddresses;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.ConfirmedLoad;
import dev.bus.test.Rabbit;
import dev.bus.test.RabbitCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bus on a real 3-node RabbitMQ cluster ({@code scripts/infra cluster}), whose nodes the
 * app learns from the sidecar and Consul, with its group queue a quorum queue on all
 * three nodes, under a steady load of messages published until confirmed while nodes
 * fail. Each test prints sent / confirmed / received distinct / duplicates / lost with
 * the prefix {@code [fault]}. The tests start the cluster, and stop it (deleting its
 * data) when they started it.
 */
class RabbitClusterIT {

	private static final int MESSAGES = 10_000;

	private static final int PER_SECOND = 1_000;

	private static boolean startedHere;

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectToCluster);

	private final ConsulApi consul = ConsulApi.local();

	@BeforeAll
	static void cluster() {
		startedHere = !RabbitCluster.running();
	}

	@AfterAll
	static void stopCluster() {
		if (startedHere) {
			RabbitCluster.down();
		}
	}

	/**
	 * Every test starts with three running nodes: a node a test killed is started again.
	 */
	@BeforeEach
	void allNodesRunning() {
		RabbitCluster.up();
	}

	@Test
	void aNodeKilledMidStreamLosesNoConfirmedMessageAndTheAppMovesToTheOthers() {
		try (ConfigurableApplicationContext sidecar = sidecar(); ConfigurableApplicationContext app = app(sidecar)) {
			FaultToleranceIT.Counter counter = app.getBean(FaultToleranceIT.Counter.class);
			ConfirmedLoad load = new ConfirmedLoad(app.getBean(BusPublisher.class), "load.item");
			AtomicInteger victim = new AtomicInteger();
			// The node under the publisher's connection dies (the consumer's may be
			// another node: the two
			// connections are equally many, so "the busiest node" would pick either).
			CompletableFuture<Void> kill = load.faultAfter(MESSAGES / 4, () -> {
				victim.set(publisherNode(app));
				RabbitCluster.kill(victim.get());
			});
			int sent = load.run(PER_SECOND, MESSAGES, 60 * PER_SECOND, kill);
			kill.join();
			await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct.size() >= sent);
			int survivor = (victim.get() % RabbitCluster.SIZE) + 1;
			Map<Integer, Integer> connections = RabbitCluster.connectionsByNode(survivor);
			report("cluster node " + victim.get() + " killed (kill -9) mid-stream", sent, load, counter,
					"app's connections now per node " + connections);
			assertThat(counter.distinct).as("every confirmed message delivered").hasSize(sent);
			assertThat(load.failedAttempts()).as("the publisher saw its node die").isPositive();
			assertThat(connections.get(victim.get())).isZero();
			assertThat(connections.values().stream().mapToInt(Integer::intValue).sum())
				.as("the app reconnected to the surviving nodes")
				.isPositive();
		}
	}

	@Test
	void aRollingRestartLosesNothingAndTheAppIsNeverDownLongerThanOneNodesRestart() {
		try (ConfigurableApplicationContext sidecar = sidecar(); ConfigurableApplicationContext app = app(sidecar)) {
			FaultToleranceIT.Counter counter = app.getBean(FaultToleranceIT.Counter.class);
			ConfirmedLoad load = new ConfirmedLoad(app.getBean(BusPublisher.class), "load.item");
			List<Duration> restarts = new ArrayList<>();
			try (DownTime down = new DownTime(app.getBean(BusListenersHealthIndicator.class))) {
				CompletableFuture<Void> rolling = load.faultAfter(2 * PER_SECOND, () -> {
					for (int node = 1; node <= RabbitCluster.SIZE; node++) {
						restarts.add(RabbitCluster.restart(node));
					}
				});
				int sent = load.run(PER_SECOND, MESSAGES, 180 * PER_SECOND, rolling);
				rolling.join();
				await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct.size() >= sent);
				Duration shortestRestart = restarts.stream().min(Comparator.naturalOrder()).orElseThrow();
				report("rolling restart of the 3 cluster nodes (each " + seconds(restarts) + ")", sent, load, counter,
						"app DOWN " + down.stretches() + " times, longest " + down.longest().toMillis() + " ms");
				assertThat(counter.distinct).as("every confirmed message delivered").hasSize(sent);
				assertThat(down.longest()).as("longest DOWN against the shortest node restart")
					.isLessThan(shortestRestart);
			}
		}
	}

	@Test
	void aNodeCriticalInConsulGetsNoNewConnections() {
		try (ConfigurableApplicationContext sidecar = sidecar(); ConfigurableApplicationContext app = app(sidecar)) {
			int node = busiest(RabbitCluster.connectionsByNode(1));
			try {
				this.consul.maintenance(RabbitCluster.serviceId(node), true, "tests: taken out of service");
				SidecarBrokerAddresses addresses = app.getBean(SidecarBrokerAddresses.class);
				Address critical = new Address("127.0.0.1", RabbitCluster.port(node));
				await().atMost(Duration.ofSeconds(1))
					.until(addresses::discovered, (list) -> list.size() == 2 && !list.contains(critical));
				// The node itself still runs: only Consul says to keep off it. Its
				// connections are closed.
				RabbitCluster.closeConnections(node);
				BusPublisher publisher = app.getBean(BusPublisher.class);
				FaultToleranceIT.Counter counter = app.getBean(FaultToleranceIT.Counter.class);
				AtomicInteger attempt = new AtomicInteger();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					String id = "after-" + attempt.incrementAndGet();
					publisher.publish(OutboundMessage.builder("load.item", "item").messageId(id).build()).join();
					await().atMost(Duration.ofSeconds(2)).until(() -> counter.distinct.contains(id));
				});
				Map<Integer, Integer> connections = RabbitCluster.connectionsByNode(node);
				System.out.printf("[fault] cluster node %d critical in Consul: app's connections per node %s%n", node,
						connections);
				assertThat(connections.get(node)).as("connections to the critical node").isZero();
			}
			finally {
				this.consul.maintenance(RabbitCluster.serviceId(node), false, "");
			}
		}
	}

	private static ConfigurableApplicationContext sidecar() {
		return Sidecars.start("bus.sidecar.app.name=bus-it-cluster-app", "bus.sidecar.app.port=1",
				"bus.sidecar.discovery.broker-service=" + RabbitCluster.SERVICE);
	}

	/**
	 * An app whose only way to the broker is the sidecar's discovery (its static address
	 * is wrong on purpose).
	 */
	private ConfigurableApplicationContext app(ConfigurableApplicationContext sidecar) {
		ConfigurableApplicationContext app = BusContexts.start(BusContexts.uniqueName("bus-cluster"),
				BusContexts.uniqueName("load"), List.of(FaultToleranceIT.Counter.class),
				"bus.sidecar-client.url=" + Sidecars.api(sidecar), "bus.sidecar-client.allow-insecure-brokers=true",
				"spring.rabbitmq.port=1", "spring.rabbitmq.connection-timeout=1s",
				"bus.listener.recovery-interval=200ms", "bus.publisher.confirm-timeout=3s");
		this.cleanup.track(app);
		BusContexts.awaitConsuming(app);
		String queue = app.getBean(BusListenerRegistry.class).registrations().get(0).definition().queue();
		assertThat(RabbitCluster.members(1, queue)).as("the group queue's replicas")
			.contains("bus-cluster-1@localhost", "bus-cluster-2@localhost", "bus-cluster-3@localhost");
		return app;
	}

	private static int publisherNode(ConfigurableApplicationContext app) {
		CachingConnectionFactory factory = app.getBean(CachingConnectionFactory.class);
		ConnectionFactory publisher = (factory.getPublisherConnectionFactory() != null)
				? factory.getPublisherConnectionFactory() : factory;
		return publisher.createConnection().getDelegate().getPort() - RabbitCluster.port(0);
	}

	private static int busiest(Map<Integer, Integer> connections) {
		return connections.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
	}

	private static String seconds(List<Duration> durations) {
		return durations.stream()
			.map((duration) -> String.format("%.1f s", duration.toMillis() / 1000.0))
			.toList()
			.toString();
	}

	private static void report(String fault, int sent, ConfirmedLoad load, FaultToleranceIT.Counter counter,
			String more) {
		int received = counter.distinct.size();
		System.out.printf(
				"[fault] %s: sent %d, confirmed %d, received %d distinct, duplicates %d, lost %d; %d "
						+ "publish attempts failed and were retried; %s%n",
				fault, sent, load.confirmed(), received, counter.deliveries.get() - received, sent - received,
				load.failedAttempts(), more);
	}

	/** Samples the app's Bus health every 50 ms and keeps the stretches it was not UP. */
	private static final class DownTime implements AutoCloseable {

		private final Thread sampler;

		private volatile boolean running = true;

		private volatile long longestNanos;

		private volatile int stretches;

		DownTime(BusListenersHealthIndicator health) {
			this.sampler = new Thread(() -> {
				long downSince = -1;
				while (this.running) {
					boolean up = Status.UP.equals(health.health().getStatus());
					long now = System.nanoTime();
					if (!up && downSince < 0) {
						downSince = now;
						this.stretches++;
					}
					if (downSince >= 0) {
						this.longestNanos = Math.max(this.longestNanos, now - downSince);
						downSince = up ? -1 : downSince;
					}
					java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
				}
			}, "health-sampler");
			this.sampler.start();
		}

		Duration longest() {
			return Duration.ofNanos(this.longestNanos);
		}

		int stretches() {
			return this.stretches;
		}

		@Override
		public void close() {
			this.running = false;
			this.sampler.interrupt();
		}

	}

}

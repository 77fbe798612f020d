package dev.bus.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The direct container (the default): messages flow to every consumer, health and the
 * {@code bus} endpoint count its consumers, a failing message is retried, it recovers
 * from a lost broker connection, slow handlers do not hold up other consumers, and
 * coalesced acks go out when the stream pauses.
 */
class DirectContainerIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Readings {

		final Received<String> received = new Received<>();

		@BusListener(topic = "sensors.read", concurrency = "2", maxAttempts = 2, initialInterval = "200ms")
		void on(BusMessage<String> message) {
			if (message.payload().equals("flaky") && message.attempt() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			this.received.add(message.payload());
		}

	}

	@Test
	void deliversCountsConsumersRetriesAndRecovers() throws Exception {
		String exchange = BusContexts.uniqueName("bus-direct");
		try (TcpProxy broker = new TcpProxy(Rabbit.PORT);
				ConfigurableApplicationContext context = startOpen(broker, exchange)) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			Received<String> received = context.getBean(Readings.class).received;
			BusListenersHealthIndicator health = context.getBean(BusListenersHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			BusEndpointBody.Listener listener = context.getBean(BusEndpoint.class).bus().listeners().get(0);
			assertThat(listener.activeConsumers()).isEqualTo(2);
			assertThat(listener.state()).isEqualTo("consuming");

			for (int i = 0; i < 500; i++) {
				publisher.publish("sensors.read", "r-" + i);
			}
			publisher.publish("sensors.read", "flaky").join();
			await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 501);
			assertThat(new HashSet<>(received.items())).hasSize(501).contains("flaky");

			broker.cut();
			await().atMost(Duration.ofSeconds(20)).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			await().ignoreExceptions().atMost(Duration.ofSeconds(10)).until(() -> {
				broker.open();
				return true;
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> health.health(true).getStatus().equals(Status.UP));
			publisher.publish("sensors.read", "after recovery").join();
			assertThat(received.awaitCount(502)).contains("after recovery");
		}
	}

	/** Each handler waits until every consumer is inside one at the same time. */
	static class Gathering {

		/**
		 * More consumers than the AMQP client's default work pool (2 × cores threads per
		 * connection).
		 */
		static final int CONSUMERS = 2 * Runtime.getRuntime().availableProcessors() + 2;

		final CyclicBarrier allInside = new CyclicBarrier(CONSUMERS);

		final Received<String> received = new Received<>();

		@BusListener(topic = "sensors.gather", concurrency = "${test.gathering.consumers}")
		void on(String payload) throws Exception {
			this.allInside.await(20, TimeUnit.SECONDS);
			this.received.add(payload);
		}

	}

	@Test
	void slowHandlersDoNotHoldUpOtherConsumers() throws Exception {
		String exchange = BusContexts.uniqueName("bus-direct");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("gather"),
				List.of(Gathering.class), "test.gathering.consumers=" + Gathering.CONSUMERS)) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (int i = 0; i < Gathering.CONSUMERS; i++) {
				publisher.publish("sensors.gather", "g-" + i).join();
			}
			// Only passes if all consumers run their handlers at once: with the client's
			// default pool, at most
			// 2 × cores of them could, and the barrier would break.
			Received<String> received = context.getBean(Gathering.class).received;
			assertThat(received.awaitCount(Gathering.CONSUMERS)).hasSize(Gathering.CONSUMERS);
		}
	}

	@Test
	void coalescedAcksAreSentWhenTheStreamPauses() throws Exception {
		String exchange = BusContexts.uniqueName("bus-direct");
		try (TcpProxy broker = new TcpProxy(Rabbit.PORT);
				ConfigurableApplicationContext context = startOpen(broker, exchange, "bus.listener.messages-per-ack=50",
						"bus.listener.ack-timeout=100ms");
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusListenerRegistry.Registration listener = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0);
			String queue = listener.definition().queue();
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (int i = 0; i < 10; i++) {
				publisher.publish("sensors.read", "r-" + i).join();
			}
			Received<String> received = context.getBean(Readings.class).received;
			assertThat(received.awaitCount(10)).hasSize(10);
			// 10 settled messages are fewer than a group of 50: only the ack timeout
			// sends their ack. Once it
			// has, losing the connection returns nothing to the queue.
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.pendingAcks() == 0);
			broker.cut();
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.consumerCount(queue) == 0);
			assertThat(rabbit.messageCount(queue)).as("settled messages left unacknowledged").isZero();
		}
	}

	private static ConfigurableApplicationContext startOpen(TcpProxy broker, String exchange, String... properties)
			throws Exception {
		broker.open();
		List<String> all = new java.util.ArrayList<>(
				List.of("spring.rabbitmq.port=" + broker.port(), "management.endpoints.web.exposure.include=bus",
						"bus.listener.recovery-interval=500ms", "spring.rabbitmq.connection-timeout=1s"));
		all.addAll(List.of(properties));
		return BusContexts.start(exchange, BusContexts.uniqueName("sensors"), List.of(Readings.class),
				all.toArray(String[]::new));
	}

}

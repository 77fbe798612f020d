package dev.bus.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bus.listener.container-type=direct}: the same contract on spring-amqp's direct container (the whole
 * suite also passes with it as the default): messages flow to every consumer, health and the {@code bus}
 * endpoint count its consumers, a failing message is retried, and it recovers from a lost broker connection.
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
			BusEndpoint.ListenerDescriptor listener = context.getBean(BusEndpoint.class).bus().listeners().get(0);
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

	private static ConfigurableApplicationContext startOpen(TcpProxy broker, String exchange) throws Exception {
		broker.open();
		return BusContexts.start(exchange, BusContexts.uniqueName("sensors"), List.of(Readings.class),
				"bus.listener.container-type=direct", "spring.rabbitmq.port=" + broker.port(),
				"management.endpoints.web.exposure.include=bus",
				"bus.listener.recovery-interval=500ms", "spring.rabbitmq.connection-timeout=1s");
	}

}

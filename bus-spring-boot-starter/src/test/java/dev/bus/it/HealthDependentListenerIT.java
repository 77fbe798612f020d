package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of one group on the real broker, each listener depending on a health
 * indicator of its own instance: while one instance's indicator is DOWN it takes no
 * deliveries, the other handles every message, none is retried or dead-lettered, and it
 * resumes when the indicator is UP again.
 */
class HealthDependentListenerIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	/** A dependency whose health the test sets. */
	static class Pricing implements HealthIndicator {

		volatile Status status = Status.UP;

		@Override
		public Health health() {
			return Health.status(this.status).build();
		}

	}

	static class Fulfilment {

		final Set<String> handled = ConcurrentHashMap.newKeySet();

		@BusListener(topic = "orders.created", group = "fulfilment", pauseWhenDown = "pricing")
		void on(String order) {
			this.handled.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Instance {

		@Bean
		Pricing pricingHealthIndicator() {
			return new Pricing();
		}

		@Bean
		Fulfilment fulfilment() {
			return new Fulfilment();
		}

	}

	@Test
	void anInstanceWhoseDependencyIsDownPausesAndTheOtherTakesTheLoad() throws Exception {
		String exchange = BusContexts.uniqueName("bus-health");
		try (ConfigurableApplicationContext first = BusContexts.start(exchange, "fulfilment", List.of(Instance.class),
				"bus.listener.health-check-interval=100ms");
				ConfigurableApplicationContext second = BusContexts.start(exchange, "fulfilment",
						List.of(Instance.class), "bus.listener.health-check-interval=100ms")) {
			this.cleanup.track(first);
			BusContexts.awaitConsuming(first, second);
			BusPublisher publisher = first.getBean(BusPublisher.class);
			Fulfilment handledByFirst = first.getBean(Fulfilment.class);
			Fulfilment handledBySecond = second.getBean(Fulfilment.class);
			BusListenerRegistry firstListeners = first.getBean(BusListenerRegistry.class);
			String listener = firstListeners.definitions().get(0).id();

			first.getBean(Pricing.class).status = Status.DOWN;
			await().atMost(Duration.ofSeconds(10)).until(() -> firstListeners.pausedBecause(listener) != null);
			assertThat(firstListeners.pausedBecause(listener)).isEqualTo("health indicator 'pricing' is down");
			assertThat(firstListeners.state(firstListeners.registrations().get(0)))
				.isEqualTo("paused: health indicator 'pricing' is down");
			int before = handledByFirst.handled.size();
			publishAll(publisher, "while-down", 200);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> handledBySecond.handled.stream()
					.filter((id) -> id.startsWith("while-down"))
					.count() == 200);
			assertThat(handledByFirst.handled).hasSize(before);

			first.getBean(Pricing.class).status = Status.UP;
			await().atMost(Duration.ofSeconds(10))
				.until(() -> firstListeners.pausedBecause(listener) == null
						&& firstListeners.registrations().get(0).activeConsumers() > 0);
			publishAll(publisher, "after", 200);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> handledByFirst.handled.stream().anyMatch((id) -> id.startsWith("after")));
			try (Rabbit rabbit = Rabbit.connect()) {
				assertThat(rabbit.messageCount(firstListeners.definitions().get(0).deadLetterQueue())).isZero();
			}
		}
	}

	private static void publishAll(BusPublisher publisher, String prefix, int count) {
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(publisher.publish("orders.created", prefix + "-" + i));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
	}

}

package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Content-based filters (in the app and on the broker) and ordered delivery by partition
 * key.
 */
class FilterAndOrderingIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Payment(String id, String region, long cents) {
	}

	static class Filtered {

		final Received<String> euByPayload = new Received<>();

		final Received<String> euByHeader = new Received<>();

		final Received<String> all = new Received<>();

		@BusListener(topic = "payments.made", group = "eu-app",
				filter = "payload.region == 'eu' and payload.cents > 100")
		void euByPayload(Payment payment) {
			this.euByPayload.add(payment.id());
		}

		@BusListener(topic = "payments.made", group = "eu-broker", headers = "region=eu")
		void euByHeader(Payment payment) {
			this.euByHeader.add(payment.id());
		}

		@BusListener(topic = "payments.made", group = "all")
		void all(Payment payment) {
			this.all.add(payment.id());
		}

	}

	@Test
	void filtersSkipNonMatchingMessagesInTheAppOrOnTheBroker() throws Exception {
		String exchange = BusContexts.uniqueName("bus-filter");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("payments"),
				List.of(Filtered.class)); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			List<Payment> payments = List.of(new Payment("p1", "eu", 500), new Payment("p2", "us", 500),
					new Payment("p3", "eu", 50), new Payment("p4", "apac", 900), new Payment("p5", "eu", 101));
			for (Payment payment : payments) {
				publisher.publish(
						OutboundMessage.builder("payments.made", payment).header("region", payment.region()).build())
					.join();
			}
			Filtered listeners = context.getBean(Filtered.class);
			assertThat(listeners.all.awaitCount(5)).hasSize(5);
			assertThat(listeners.euByPayload.awaitCount(2)).containsExactly("p1", "p5");
			assertThat(listeners.euByHeader.awaitCount(3)).containsExactly("p1", "p3", "p5");

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(
						meters.get("bus.delivery").tags("reason", "filtered", "group", "eu-app").timer().count())
					.as("app-side skips are acked and counted")
					.isEqualTo(3));
			String appFilteredQueue = "eu-app.payments.made";
			assertThat(rabbit.messageCount(appFilteredQueue)).as("skipped messages are acked, not left behind")
				.isZero();
			assertThat(rabbit.messageCount("eu-broker.payments.made")).isZero();
			assertThat(rabbit.messageCount(appFilteredQueue + ".dlq")).as("skipped, not dead-lettered").isZero();
		}
	}

	static class OrderedListener {

		final Received<String> seen = new Received<>();

		@BusListener(topic = "accounts.changed", ordered = true)
		void on(BusMessage<Integer> message) {
			this.seen.add(message.partitionKey() + ":" + message.payload());
		}

	}

	@Test
	void orderedListenersHandleEachKeysMessagesInPublishOrderAcrossInstances() {
		String exchange = BusContexts.uniqueName("bus-ordered");
		String application = BusContexts.uniqueName("ledger");
		try (ConfigurableApplicationContext first = BusContexts.start(exchange, application,
				List.of(OrderedListener.class));
				ConfigurableApplicationContext second = BusContexts.start(exchange, application,
						List.of(OrderedListener.class))) {
			this.cleanup.track(first);
			BusPublisher publisher = first.getBean(BusPublisher.class);
			int perKey = 100;
			List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
			for (int i = 0; i < perKey; i++) {
				for (String key : List.of("acct-1", "acct-2", "acct-3")) {
					sent.add(publisher
						.publish(OutboundMessage.builder("accounts.changed", i).partitionKey(key).build()));
				}
			}
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

			Received<String> a = first.getBean(OrderedListener.class).seen;
			Received<String> b = second.getBean(OrderedListener.class).seen;
			await().atMost(Duration.ofSeconds(30)).until(() -> a.size() + b.size() == 3 * perKey);
			assertThat(a.size() == 0 || b.size() == 0).as("a single active consumer across the group").isTrue();
			List<String> seen = (a.size() > 0) ? a.items() : b.items();
			Map<String, List<Integer>> byKey = new LinkedHashMap<>();
			for (String entry : seen) {
				String[] parts = entry.split(":");
				byKey.computeIfAbsent(parts[0], (key) -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
			}
			List<Integer> expected = java.util.stream.IntStream.range(0, perKey).boxed().toList();
			assertThat(byKey).hasSize(3).allSatisfy((key, values) -> assertThat(values).isEqualTo(expected));
		}
	}

}

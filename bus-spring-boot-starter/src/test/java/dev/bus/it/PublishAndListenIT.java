package dev.bus.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.BusMessage;
import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Publishing and listening against the real broker: confirms, typed payloads and
 * metadata, unroutable topics, wildcard routing, competing and fan-out groups, broadcast.
 */
class PublishAndListenIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record OrderCreated(String orderId, String region, List<Item> items) {
	}

	record Item(String sku, int quantity) {
	}

	static class OrderListeners {

		final Received<BusMessage<OrderCreated>> created = new Received<>();

		final Received<String> anyOrderTopic = new Received<>();

		final Received<String> everyOrderTopic = new Received<>();

		final Received<List<Item>> items = new Received<>();

		@BusListener(topic = "orders.created")
		void onCreated(OrderCreated order, BusMessage<OrderCreated> message) {
			assertThat(message.payload()).isSameAs(order);
			this.created.add(message);
		}

		@BusListener(topic = "orders.*", group = "audit")
		void onAnyOrder(BusMessage<Object> message) {
			this.anyOrderTopic.add(message.topic());
		}

		@BusListener(topic = "orders.#", group = "everything")
		void onEveryOrder(BusMessage<Object> message) {
			this.everyOrderTopic.add(message.topic());
		}

		@BusListener(topic = "orders.cancelled", group = "items")
		void onItems(List<Item> items) {
			this.items.add(items);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListenersConfig {

		@Bean
		OrderListeners orderListeners() {
			return new OrderListeners();
		}

	}

	@Test
	void publishIsConfirmedAndTheListenerGetsTypedPayloadAndMetadata() throws Exception {
		String exchange = BusContexts.uniqueName("bus-it");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("inventory"),
				List.of(OrderListenersConfig.class))) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			OrderCreated order = new OrderCreated("o-1", "eu", List.of(new Item("sku-1", 2)));
			PublishReceipt receipt = publisher
				.publish(OutboundMessage.builder("orders.created", order)
					.type("com.example.order-created")
					.partitionKey("customer-7")
					.subject("o-1")
					.header("region", "eu")
					.build())
				.get();
			assertThat(receipt.topic()).isEqualTo("orders.created");

			BusMessage<OrderCreated> message = context.getBean(OrderListeners.class).created.awaitCount(1).get(0);
			assertThat(message.payload()).isEqualTo(order);
			assertThat(message.messageId()).isEqualTo(receipt.messageId());
			assertThat(message.type()).isEqualTo("com.example.order-created");
			assertThat(message.topic()).isEqualTo("orders.created");
			assertThat(message.partitionKey()).isEqualTo("customer-7");
			assertThat(message.attempt()).isEqualTo(1);
			assertThat(message.source())
				.isEqualTo("/" + context.getEnvironment().getProperty("spring.application.name"));
			assertThat(message.time()).isNotNull();
			assertThat(message.headers()).containsEntry(BusHeaders.SUBJECT, "o-1")
				.containsEntry("region", "eu")
				.doesNotContainKeys("ce_id", "ce-id", "ce_type", "ce-type");
		}
	}

	@Test
	void theBusEndpointHealthAndMetricsDescribeTheListenersAndTraffic() {
		String exchange = BusContexts.uniqueName("bus-it");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, "inventory-" + exchange,
				List.of(OrderListenersConfig.class), "management.endpoints.web.exposure.include=bus")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			context.getBean(BusPublisher.class).publish("orders.cancelled", List.of()).join();
			context.getBean(OrderListeners.class).items.awaitCount(1);

			BusEndpointBody bus = context.getBean(BusEndpoint.class).bus();
			assertThat(bus.listeners()).extracting(BusEndpointBody.Listener::id)
				.containsExactlyInAnyOrder("orderListeners.onCreated", "orderListeners.onAnyOrder",
						"orderListeners.onEveryOrder", "orderListeners.onItems");
			BusEndpointBody.Listener created = bus.listeners()
				.stream()
				.filter((listener) -> listener.id().equals("orderListeners.onCreated"))
				.findFirst()
				.orElseThrow();
			assertThat(created.topic()).isEqualTo("orders.created");
			assertThat(created.group()).isEqualTo("inventory-" + exchange);
			assertThat(created.queue()).isEqualTo("inventory-" + exchange + ".orders.created");
			assertThat(created.deadLetterQueue()).isEqualTo(created.queue() + ".dlq");
			assertThat(created.state()).isEqualTo("consuming");
			assertThat(bus.publisher().exchange()).isEqualTo(exchange);
			assertThat(context.getBean(BusListenersHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.UP);

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(
					meters.get("bus.publish").tags("outcome", "confirmed", "topic", "orders.cancelled").timer().count())
				.isEqualTo(1);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(meters.get("bus.delivery")
					.tags("listener", "orderListeners.onItems", "outcome", "consumed")
					.timer()
					.count()).isEqualTo(1));
		}
	}

	@Test
	void wildcardPatternsRouteLikeTheTopicExchange() {
		String exchange = BusContexts.uniqueName("bus-it");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("inventory"),
				List.of(OrderListenersConfig.class))) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			List<Item> items = List.of(new Item("a", 1));
			publisher.publish("orders.created", new OrderCreated("o-2", "us", items)).join();
			publisher.publish("orders.cancelled", items).join();
			publisher.publish("orders.cancelled.late", items).join();

			OrderListeners listeners = context.getBean(OrderListeners.class);
			// orders.# gets all three; orders.* only the two single-word topics;
			// orders.created just its own.
			assertThat(listeners.everyOrderTopic.awaitCount(3)).containsExactlyInAnyOrder("orders.created",
					"orders.cancelled", "orders.cancelled.late");
			assertThat(listeners.items.awaitCount(1).get(0)).as("generic payload decoded to its element type")
				.containsExactly(new Item("a", 1));
			assertThat(listeners.anyOrderTopic.awaitCount(2)).containsExactlyInAnyOrder("orders.created",
					"orders.cancelled");
			assertThat(listeners.created.awaitCount(1)).hasSize(1);
			await().during(Duration.ofMillis(500)).until(() -> listeners.anyOrderTopic.size() == 2);
		}
	}

	@Test
	void publishToATopicWithNoQueueFailsAsUnroutable() {
		String exchange = BusContexts.uniqueName("bus-it");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("lonely"),
				List.of())) {
			assertThatThrownBy(() -> context.getBean(BusPublisher.class).publish("nobody.listens", "x").join())
				.isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOfSatisfying(BusPublishException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.UNROUTABLE))
				.hasMessageContaining("nobody.listens");
			this.cleanup.track(context);
		}
	}

	static class Counting {

		final Received<String> ids = new Received<>();

		@BusListener(topic = "stock.changed")
		void on(BusMessage<String> message) {
			this.ids.add(message.messageId());
		}

	}

	static class Broadcasting {

		final Received<String> ids = new Received<>();

		@BusListener(topic = "config.changed", broadcast = true)
		void on(BusMessage<String> message) {
			this.ids.add(message.messageId());
		}

	}

	@Test
	void instancesOfOneGroupCompeteAndEachGroupGetsEveryMessage() {
		String exchange = BusContexts.uniqueName("bus-it");
		int messages = 200;
		// prefetch 1 so the first instance to connect cannot take the whole run before
		// the second one starts
		try (ConfigurableApplicationContext a1 = BusContexts.start(exchange, "group-a-" + exchange,
				List.of(Counting.class), "bus.listener.prefetch=1");
				ConfigurableApplicationContext a2 = BusContexts.start(exchange, "group-a-" + exchange,
						List.of(Counting.class), "bus.listener.prefetch=1");
				ConfigurableApplicationContext b = BusContexts.start(exchange, "group-b-" + exchange,
						List.of(Counting.class))) {
			this.cleanup.track(a1);
			this.cleanup.track(b);
			BusContexts.awaitConsuming(a1, a2, b);
			BusPublisher publisher = a1.getBean(BusPublisher.class);
			for (int i = 0; i < messages; i++) {
				publisher.publish("stock.changed", "change-" + i).join();
			}
			Received<String> first = a1.getBean(Counting.class).ids;
			Received<String> second = a2.getBean(Counting.class).ids;
			await().atMost(Duration.ofSeconds(30)).until(() -> first.size() + second.size() == messages);
			Set<String> union = new HashSet<>(first.items());
			union.addAll(second.items());
			assertThat(union).as("every message once across the group").hasSize(messages);
			assertThat(first.size()).as("both instances took a share").isPositive();
			assertThat(second.size()).isPositive();
			assertThat(new HashSet<>(b.getBean(Counting.class).ids.awaitCount(messages)))
				.as("the other group got every message")
				.isEqualTo(union);
		}
	}

	@Test
	void broadcastDeliversEveryMessageToEveryInstance() {
		String exchange = BusContexts.uniqueName("bus-it");
		try (ConfigurableApplicationContext one = BusContexts.start(exchange, "config-" + exchange,
				List.of(Broadcasting.class));
				ConfigurableApplicationContext two = BusContexts.start(exchange, "config-" + exchange,
						List.of(Broadcasting.class))) {
			this.cleanup.track(one);
			this.cleanup.track(two);
			BusContexts.awaitConsuming(one, two);
			for (int i = 0; i < 20; i++) {
				one.getBean(BusPublisher.class).publish("config.changed", "v" + i).join();
			}
			assertThat(one.getBean(Broadcasting.class).ids.awaitCount(20)).hasSize(20);
			assertThat(two.getBean(Broadcasting.class).ids.awaitCount(20))
				.containsExactlyInAnyOrderElementsOf(one.getBean(Broadcasting.class).ids.items());
		}
	}

}

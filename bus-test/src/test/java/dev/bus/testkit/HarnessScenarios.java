package dev.bus.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.TestPropertySource;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.failure.DeadLetterReplayer;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.Holds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness as a user's test has it: a {@code @SpringBootTest} of an application with a
 * publisher and listeners, against the broker on 127.0.0.1:5672.
 */
@TestPropertySource(properties = { "bus.routing.rule-sets[0].name=ops", "bus.routing.rule-sets[0].version=1",
		"bus.routing.rule-sets[0].rules[0].name=freeze", "bus.routing.rule-sets[0].rules[0].topic=incidents.*",
		"bus.routing.rule-sets[0].rules[0].action=hold" })
abstract class HarnessScenarios {

	record OrderCreated(String id, int cents) {
	}

	record OrderCancelled(String id) {
	}

	record StockQuery(String sku) {
	}

	record StockLevel(String sku, int units) {
	}

	record Shipment(String order, int step) {
	}

	static class Warehouse {

		final Set<String> outOfStock = ConcurrentHashMap.newKeySet();

		@BusListener(topic = "orders.created", id = "reserve")
		void reserve(OrderCreated order) {
			if (this.outOfStock.contains(order.id())) {
				throw new IllegalStateException("out of stock: " + order.id());
			}
		}

		@BusListener(topic = "orders.*", id = "large", group = "harness-it-large", filter = "payload.cents > 100")
		void large(OrderCreated order) {
		}

		@BusListener(topic = "payments.settled", id = "settle", idempotent = true)
		void settle(String payment) {
		}

		@BusListener(topic = "shipments.#", id = "shipments", ordered = true)
		void shipment(Shipment shipment) {
		}

		@BusListener(topic = "incidents.*", id = "incidents")
		void incident(String incident) {
		}

		@BusListener(topic = "stock.query", id = "stock")
		StockLevel stock(StockQuery query) {
			if (query.sku().isEmpty()) {
				throw new IllegalArgumentException("no sku");
			}
			return new StockLevel(query.sku(), query.sku().length());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Shop {

		@Bean
		Warehouse warehouse() {
			return new Warehouse();
		}

	}

	@Autowired
	BusTestHarness harness;

	@Autowired
	BusPublisher publisher;

	@Autowired
	Warehouse warehouse;

	@Autowired
	DeadLetterReplayer replayer;

	@Autowired
	PlainClient plainClient;

	@Autowired
	Holds holds;

	@Autowired
	BusListenerRegistry listeners;

	@Test
	void aPublishAndItsDeliveryAreAwaitedWithTheirTypedPayloads() {
		assertThat(this.harness.allPublished()).as("each test starts empty").isEmpty();
		this.publisher.publish("orders.created", new OrderCreated("o-1", 5));

		PublishedMessage<OrderCreated> published = this.harness.published("orders.created", OrderCreated.class)
			.awaitMessage();
		assertThat(published.payload()).isEqualTo(new OrderCreated("o-1", 5));
		assertThat(published.confirmed()).isTrue();
		Delivery delivery = this.harness.delivered("orders.*").byListener("reserve").await();
		assertThat(delivery.payload(OrderCreated.class)).isEqualTo(new OrderCreated("o-1", 5));
		assertThat(delivery.messageId()).isEqualTo(published.messageId());
		assertThat(delivery.attempt()).isEqualTo(1);
		assertThat(this.harness.skipped("orders.created").byListener("large").withReason("filtered").await())
			.as("the filter's skip is recorded too")
			.isNotNull();
	}

	@Test
	void theInboxSkipsAMessageItAlreadyProcessed() {
		OutboundMessage payment = OutboundMessage.builder("payments.settled", "p-1")
			.messageId("settle-" + UUID.randomUUID())
			.build();
		this.publisher.publish(payment).join();
		assertThat(this.harness.delivered("payments.settled").await().messageId()).isEqualTo(payment.messageId());
		this.publisher.publish(payment).join();

		Delivery duplicate = this.harness.skipped("payments.settled").withReason("duplicate").await();
		assertThat(duplicate.messageId()).isEqualTo(payment.messageId());
		assertThat(this.harness.delivered("payments.settled").list()).hasSize(1);
	}

	@Test
	void anOrderedListenerGetsOneKeysMessagesInTheOrderTheyWerePublished() {
		List<CompletableFuture<PublishReceipt>> sent = new ArrayList<>();
		for (int step = 0; step < 20; step++) {
			sent.add(this.publisher.publish(OutboundMessage.builder("shipments.packed", new Shipment("s-1", step))
				.partitionKey("s-1")
				.build()));
		}
		sent.forEach(CompletableFuture::join);

		assertThat(this.harness.delivered("shipments.#").byListener("shipments").await(20))
			.extracting((delivery) -> delivery.payload(Shipment.class).step())
			.containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
	}

	@Test
	void aRequestIsAnsweredAndAFailedOneGetsTheError() {
		StockLevel level = this.publisher
			.request("stock.query", new StockQuery("abc"), StockLevel.class, Duration.ofSeconds(5))
			.join();
		assertThat(level).isEqualTo(new StockLevel("abc", 3));
		assertThat(this.harness.delivered("stock.query").byListener("stock").await().payload(StockQuery.class))
			.isEqualTo(new StockQuery("abc"));
		assertThat(this.harness.published("stock.query", StockQuery.class).await()).as("the request, as a publish")
			.isEqualTo(new StockQuery("abc"));

		assertThatThrownBy(
				() -> this.publisher.request("stock.query", new StockQuery(""), StockLevel.class, Duration.ofSeconds(5))
					.join())
			.hasMessageContaining("no sku");
		assertThat(this.harness.answeredWithError("stock.query").await().error()).hasMessage("no sku");
		assertThat(this.harness.deadLettered("stock.query").list()).as("a failed request is answered, not retried")
			.isEmpty();
	}

	@Test
	void aFailingListenerIsRetriedThenDeadLetteredWithItsReason() {
		this.warehouse.outOfStock.add("o-2");
		this.publisher.publish("orders.created", new OrderCreated("o-2", 500));

		Delivery deadLettered = this.harness.deadLettered("orders.created").withReason("handler-failed").await();
		assertThat(deadLettered.attempt()).isEqualTo(2);
		assertThat(deadLettered.error()).hasMessage("out of stock: o-2");
		assertThat(this.harness.retried("orders.created").list()).extracting(Delivery::attempt).containsExactly(1);
		assertThat(this.harness.delivered("orders.created").byListener("large").await().payload(OrderCreated.class))
			.isEqualTo(new OrderCreated("o-2", 500));
	}

	@Test
	void aDeadLetterIsReplayedToItsListenerAndConsumed() {
		this.warehouse.outOfStock.add("o-5");
		this.publisher.publish("orders.created", new OrderCreated("o-5", 5));
		Delivery deadLettered = this.harness.deadLettered("orders.created").byListener("reserve").await();
		this.warehouse.outOfStock.remove("o-5");

		DeadLetterReplayer.Replayed replayed = this.replayer.replay(this.listeners.find("reserve").definition(),
				deadLettered.messageId(), null);
		assertThat(replayed.replayed()).isEqualTo(1);
		Delivery consumed = this.harness.delivered("orders.created").byListener("reserve").await();
		assertThat(consumed.messageId()).isEqualTo(deadLettered.messageId());
		assertThat(consumed.attempt()).as("a replay starts again at attempt 1").isEqualTo(1);
		assertThat(consumed.payload(OrderCreated.class)).isEqualTo(new OrderCreated("o-5", 5));
	}

	@Test
	void aPlainClientsMessageIsTakenAndOneSentAroundTheBusExchangeIsRefused() {
		this.plainClient.publish("orders.created", "{\"id\":\"p-1\",\"cents\":7}");
		Delivery plain = this.harness.delivered("orders.created").byListener("reserve").await();
		assertThat(plain.payload(OrderCreated.class)).isEqualTo(new OrderCreated("p-1", 7));
		assertThat(plain.messageId()).as("Bus gives a message without an id one from its content").isNotBlank();

		this.plainClient.sendToQueue(this.listeners.find("reserve").definition().queue(),
				"{\"id\":\"p-2\",\"cents\":7}");
		Delivery refused = this.harness.deadLettered("#").byListener("reserve").withReason("unauthenticated").await();
		assertThat(refused.message()).as("never decoded, never handed to the listener").isNull();
		assertThat(this.harness.delivered("orders.created").byListener("reserve").list()).hasSize(1);
	}

	@Test
	void aHeldMessageIsDeliveredOnlyOnceReleased() {
		this.publisher.publish("incidents.opened", "disk full").join();
		assertThat(this.harness.published("incidents.opened").await()).isEqualTo("disk full");
		assertThatThrownBy(() -> this.harness.delivered("incidents.*").within(Duration.ofMillis(200)).await())
			.as("held by the rule")
			.isInstanceOf(AssertionError.class);

		assertThat(this.holds.release("ops", "freeze")).isEqualTo(1);
		assertThat(this.harness.delivered("incidents.opened").byListener("incidents").await().payload(String.class))
			.isEqualTo("disk full");
	}

	@Test
	void anAwaitThatRunsOutSaysWhatHappenedInstead() {
		this.publisher.publish("orders.created", new OrderCreated("o-3", 5));
		this.harness.delivered("orders.created").byListener("reserve").await();

		assertThatThrownBy(() -> this.harness.published("orders.cancelled", OrderCancelled.class)
			.within(Duration.ofMillis(200))
			.await()).isInstanceOf(AssertionError.class)
			.hasMessageContaining("Expected 1 message(s) published on 'orders.cancelled' as OrderCancelled")
			.hasMessageContaining("orders.created (OrderCreated, confirmed) x1");
		assertThatThrownBy(() -> this.harness.deadLettered("orders.created").within(Duration.ofMillis(200)).await())
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("dead-lettered")
			.hasMessageContaining("orders.created -> reserve: consumed x1");
	}

	@Test
	void aFailedPublishIsNotAPublishButItsFailureIsShown() {
		// nobody listens to refunds: Bus publishes are mandatory, so this one fails as
		// unroutable
		assertThatThrownBy(() -> this.publisher.publish("refunds.issued", new OrderCancelled("o-4")).join())
			.hasRootCauseInstanceOf(BusPublishException.class);

		assertThat(this.harness.allPublished()).singleElement()
			.satisfies((failed) -> assertThat(failed.confirmed()).isFalse());
		assertThatThrownBy(() -> this.harness.published("refunds.issued").within(Duration.ofMillis(200)).await())
			.hasMessageContaining("refunds.issued (OrderCancelled, failed: UNROUTABLE) x1");
	}

}

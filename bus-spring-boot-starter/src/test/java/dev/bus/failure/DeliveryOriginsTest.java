package dev.bus.failure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.transport.BrokerAccess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which origins a listener trusts, decided on the facts the broker verified: every case
 * here is a delivery an attacker can produce with a legitimate but limited client, next
 * to the ones Bus itself produces.
 */
class DeliveryOriginsTest {

	private static final ListenerQueues LISTENER = TestListenerQueues.INVENTORY;

	private final DeliveryOrigins origins = new DeliveryOrigins("bus", BrokerAccess.user("inventory"));

	@Test
	void aFirstDeliveryFromTheBusExchangeHasItsRoutingKeyAndUserIdWhateverItsHeadersClaim() {
		MessageProperties properties = delivery("bus", "orders.created", "orders");
		properties.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.audited");
		properties.setHeader(BusHeaders.ORIGINAL_USER_ID, "payments");
		DeliveryOrigin origin = this.origins.of(properties, LISTENER);
		assertThat(origin.trusted()).isTrue();
		assertThat(origin.moved()).isFalse();
		assertThat(origin.topic()).isEqualTo("orders.created");
		assertThat(origin.publisher()).isEqualTo("orders");
	}

	@Test
	void aMessagePushedThroughTheDefaultExchangeIsRefused() {
		MessageProperties properties = delivery("", "inventory.orders.*", "mallory");
		properties.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		assertThat(this.origins.of(properties, LISTENER).refusal()).contains("delivered through exchange ''",
				"neither the bus exchange");
	}

	@Test
	void aMessageReRoutedIntoTheBusByAnotherClientsDeadLetterExchangeIsRefused() {
		MessageProperties properties = delivery("bus", "orders.created", "orders");
		properties.setHeader("x-death", List.of(death("mallory.trap", "rejected", "bus", "orders.cancelled")));
		assertThat(this.origins.of(properties, LISTENER).refusal())
			.contains("dead-lettered into the bus exchange from queue 'mallory.trap'");
	}

	@Test
	void aMessageThroughAnotherExchangeIsRefused() {
		assertThat(this.origins.of(delivery("mallory.alternate", "orders.created", "mallory"), LISTENER).refusal())
			.contains("exchange 'mallory.alternate'");
	}

	@Test
	void aTopicTheListenerDoesNotSubscribeToIsRefused() {
		// a CC header adds a queue without changing the routing key
		assertThat(this.origins.of(delivery("bus", "payments.captured", "mallory"), LISTENER).refusal())
			.contains("topic 'payments.captured' is not one listener 'stock.reserve' subscribes to");
	}

	@Test
	void aRetryBackFromTheListenersDelayQueueIsTheApplicationsOwnMove() {
		MessageProperties properties = retried("inventory");
		DeliveryOrigin origin = this.origins.of(properties, LISTENER);
		assertThat(origin.trusted()).isTrue();
		assertThat(origin.moved()).isTrue();
		assertThat(origin.topic()).isEqualTo("orders.created");
		assertThat(origin.publisher()).isEqualTo("orders");
	}

	@Test
	void aRetryMovedByAnotherBrokerUserIsRefused() {
		assertThat(this.origins.of(retried("mallory"), LISTENER).refusal()).contains("moved by broker user 'mallory'");
	}

	@Test
	void aReplayThroughTheMovesExchangeIsTrustedUnlessItsFirstDeliveryWasNot() {
		MessageProperties replayed = delivery("inventory.moves", "inventory.orders.*", "inventory");
		replayed.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		assertThat(this.origins.of(replayed, LISTENER).trusted()).isTrue();
		replayed.setHeader(BusHeaders.UNVERIFIED_ORIGIN, "delivered through exchange ''");
		assertThat(this.origins.of(replayed, LISTENER).refusal()).contains("its first delivery was not trusted");
	}

	@Test
	void aDeadLetterIsReplayedOnlyWhenThisApplicationOrTheBrokerPutItThere() {
		MessageProperties moved = delivery("inventory.moves", "inventory.orders.*.dlq", "inventory");
		moved.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		moved.setHeader(BusHeaders.ORIGINAL_USER_ID, "orders");
		assertThat(this.origins.ofDeadLetter(moved, LISTENER).publisher()).isEqualTo("orders");

		MessageProperties rejected = delivery("inventory.moves", "inventory.orders.*.dlq", "orders");
		rejected.setHeader(BusHeaders.ORIGINAL_USER_ID, "payments");
		rejected.setHeader("x-death", List.of(death("inventory.orders.*", "delivery_limit", "bus", "orders.created")));
		DeliveryOrigin fromQueue = this.origins.ofDeadLetter(rejected, LISTENER);
		assertThat(fromQueue.trusted()).isTrue();
		assertThat(fromQueue.topic()).isEqualTo("orders.created");
		assertThat(fromQueue.publisher()).as("the broker-verified user_id, not the header").isEqualTo("orders");

		MessageProperties pushed = delivery("", "inventory.orders.*.dlq", "mallory");
		pushed.setHeader(BusHeaders.ORIGINAL_USER_ID, "orders");
		pushed.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		assertThat(this.origins.ofDeadLetter(pushed, LISTENER).trusted()).isFalse();

		MessageProperties reRouted = delivery("inventory.moves", "inventory.orders.*.dlq", "orders");
		reRouted.setHeader("x-death", List.of(death("inventory.orders.*", "rejected", "bus", "orders.created"),
				death("mallory.trap", "expired", "mallory.in", "orders.cancelled")));
		assertThat(this.origins.ofDeadLetter(reRouted, LISTENER).refusal()).as("an earlier hop through another queue")
			.contains("moved by broker user 'orders'");

		MessageProperties forged = delivery("inventory.moves", "inventory.orders.*.dlq", "mallory");
		forged.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		assertThat(this.origins.ofDeadLetter(forged, LISTENER).refusal()).contains("moved by broker user 'mallory'");
	}

	@Test
	void valuesFromTheMessageAreEscapedInTheReason() {
		assertThat(this.origins.of(delivery("evil\n2026-12-06 INFO forged", "orders.created", "m"), LISTENER).refusal())
			.contains("evil\\n2026")
			.doesNotContain("\n");
	}

	private static MessageProperties retried(String sender) {
		MessageProperties properties = delivery("inventory.moves", "inventory.orders.*", sender);
		properties.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		properties.setHeader(BusHeaders.ORIGINAL_USER_ID, "orders");
		properties.setHeader("x-death", List.of(death("inventory.orders.*.retry.1000ms", "expired", "inventory.moves",
				"inventory.orders.*.retry.1000ms")));
		return properties;
	}

	private static MessageProperties delivery(String exchange, String routingKey, String userId) {
		MessageProperties properties = new MessageProperties();
		properties.setReceivedExchange(exchange);
		properties.setReceivedRoutingKey(routingKey);
		properties.setReceivedUserId(userId);
		return properties;
	}

	private static Map<String, Object> death(String queue, String reason, String exchange, String routingKey) {
		Map<String, Object> death = new LinkedHashMap<>();
		death.put("count", 1L);
		death.put("reason", reason);
		death.put("queue", queue);
		death.put("exchange", exchange);
		death.put("routing-keys", List.of(routingKey));
		return death;
	}

}

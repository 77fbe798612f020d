package dev.bus.publisher;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.routing.RoutingRule.Action;
import dev.bus.core.routing.RuleSet;
import dev.bus.routing.Router;
import dev.bus.routing.TopicProtection;
import dev.bus.transport.BrokerAccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A publish, or a rule's send, to where the broker would refuse this app fails before
 * anything is sent; the topics admitted are remembered.
 */
class PublishRoutingTest {

	/** May publish orders.* only. */
	private static final BrokerAccess ORDERS_ONLY = new BrokerAccess() {

		@Override
		public String userId() {
			return "orders";
		}

		@Override
		public String missingWriteScope(String exchange, String routingKey) {
			return routingKey.startsWith("orders.") ? null : "rabbitmq.write:*/" + exchange + "/" + routingKey;
		}

	};

	@Test
	void aCopyToATopicTheBrokerWouldRefuseFailsTheWholePublish() {
		PublishRouting routing = routing(new RoutingRule("audit", "orders.*", null, Action.COPY,
				List.of("orders.audit", "audit.orders"), null, null));
		OutboundMessage order = OutboundMessage.builder("orders.created", "o-1").build();
		assertThatThrownBy(() -> routing.apply(order))
			.isInstanceOfSatisfying(BusPublishException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.FORBIDDEN))
			.hasMessageContaining("routing rule audit-rules@1/audit sends it to 'audit.orders'")
			.hasMessageContaining("rabbitmq.write:*/bus/audit.orders")
			.hasMessageContaining("nothing was sent");
	}

	@Test
	void aCopyTheBrokerAllowsSendsTheOriginalAndTheCopy() {
		PublishRouting routing = routing(
				new RoutingRule("audit", "orders.*", null, Action.COPY, List.of("orders.audit"), null, null));
		assertThat(routing.apply(OutboundMessage.builder("orders.created", "o-1").build()))
			.extracting((send) -> send.message().topic())
			.containsExactly("orders.created", "orders.audit");
	}

	@Test
	void aPublishToATopicTheBrokerWouldRefuseFailsAloneAndIsNotRemembered() {
		PublishedTopics topics = new PublishedTopics();
		PublishRouting routing = new PublishRouting(new Router((ruleSet, name, action) -> {
		}, TopicProtection.NONE), null, ORDERS_ONLY, "bus", topics);
		OutboundMessage payment = OutboundMessage.builder("payments.captured", "p-1").build();
		assertThatThrownBy(() -> routing.apply(payment))
			.isInstanceOfSatisfying(BusPublishException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.FORBIDDEN))
			.hasMessageContaining("'payments.captured'")
			.hasMessageContaining("the broker would refuse it: broker user 'orders' has no scope "
					+ "rabbitmq.write:*/bus/payments.captured");
		assertThatThrownBy(() -> routing.admit(payment)).isInstanceOf(BusPublishException.class);
		assertThat(routing.apply(OutboundMessage.builder("orders.created", "o-1").build())).hasSize(1);
		routing.admit(OutboundMessage.builder("orders.cancelled", "o-1").build());
		assertThat(topics.sorted()).containsExactly("orders.cancelled", "orders.created");
	}

	private static PublishRouting routing(RoutingRule rule) {
		Router router = new Router((ruleSet, name, action) -> {
		}, TopicProtection.NONE);
		assertThat(router.update(List.of(new RuleSet("audit-rules", 1, List.of(rule))))).isEmpty();
		return new PublishRouting(router, null, ORDERS_ONLY, "bus", new PublishedTopics());
	}

}

package dev.bus.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.ListenerMethod;
import dev.bus.failure.RetryPolicy;
import dev.bus.listener.SenderRestriction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scopes listed for an operator are exactly what the broker checks (the sample
 * issuer's clients are registered with them; SecuredBrokerIT runs with the same shapes):
 * nothing missing, nothing extra.
 */
class RequiredScopesTest {

	private static BusListenerDefinition listener(String group, String topic) {
		return new BusListenerDefinition(group + ".on", TopicPattern.of(topic), group, group + "." + topic,
				group + "." + topic + ".dlq", false, false, "1", 10, "", Map.of(), RetryPolicy.NONE, false,
				SenderRestriction.NONE, List.of(), null);
	}

	@Test
	void aPublisherAndListenerNeedItsExchangeTopicsAndGroupsButNotTheDefaultExchange() {
		RequiredScopes scopes = new RequiredScopes("rabbitmq", "/", "bus", List.of(TopicPattern.of("orders.*")), true);
		assertThat(scopes.broker(List.of(listener("inventory", "orders.*"), listener("inventory", "returns.#")),
				List.of("inventory.reserved", "orders.cancelled")))
			.containsExactly("rabbitmq.configure:*/bus", "rabbitmq.configure:*/inventory.*",
					"rabbitmq.read:*/bus/orders.*", "rabbitmq.read:*/bus/returns.#", "rabbitmq.read:*/inventory.*",
					"rabbitmq.write:*/bus/inventory.reserved", "rabbitmq.write:*/bus/orders.cancelled",
					"rabbitmq.write:*/inventory.*");
		assertThat(scopes.messageToken(List.of(), List.of("inventory.reserved", "orders.cancelled")))
			.containsExactly("bus.publish:orders.cancelled");
	}

	/**
	 * Where an operator declares the topology, the app needs no configure scope at all.
	 */
	@Test
	void anAppWhoseTopologyAnOperatorDeclaresNeedsNoConfigureScope() {
		RequiredScopes scopes = new RequiredScopes("rabbitmq", "/", "bus", List.of(), false);
		assertThat(scopes.broker(List.of(listener("inventory", "orders.*")), List.of("inventory.reserved")))
			.containsExactly("rabbitmq.read:*/bus/orders.*", "rabbitmq.read:*/inventory.*",
					"rabbitmq.write:*/bus/inventory.reserved", "rabbitmq.write:*/inventory.*");
	}

	/**
	 * Only a listener that answers writes to the default exchange: its replies go to the
	 * requester's reply-to.
	 */
	@Test
	void onlyAListenerThatAnswersRequestsMayWriteToTheDefaultExchange() throws Exception {
		RequiredScopes scopes = new RequiredScopes("rabbitmq", "/", "bus", List.of(), true);
		assertThat(scopes.broker(List.of(withMethod(listener("orders", "orders.cancelled"), "handle")), List.of()))
			.doesNotContain("rabbitmq.write:*/amq.default");
		assertThat(scopes.broker(List.of(withMethod(listener("orders", "orders.lookup"), "answer")), List.of()))
			.contains("rabbitmq.write:*/amq.default");
	}

	/**
	 * A reply is a message of the request's topic and carries the responder's token: it
	 * needs that topic's scope.
	 */
	@Test
	void aListenerThatAnswersRequestsOnATokenTopicNeedsItsTopicsPublishScope() throws Exception {
		RequiredScopes scopes = new RequiredScopes("rabbitmq", "/", "bus", List.of(TopicPattern.of("orders.*")), true);
		BusListenerDefinition answering = withMethod(listener("orders", "orders.lookup"), "answer");
		BusListenerDefinition notAnswering = withMethod(listener("orders", "orders.cancelled"), "handle");
		BusListenerDefinition answeringInClear = withMethod(listener("orders", "stock.query"), "answer");
		assertThat(scopes.messageToken(List.of(answering, notAnswering, answeringInClear), List.of()))
			.containsExactly("bus.publish:orders.lookup");
	}

	private static BusListenerDefinition withMethod(BusListenerDefinition listener, String name) throws Exception {
		return new BusListenerDefinition(listener.id(), listener.topic(), listener.group(), listener.queue(),
				listener.deadLetterQueue(), false, false, "1", 10, "", Map.of(), RetryPolicy.NONE, false,
				SenderRestriction.NONE, List.of(),
				ListenerMethod.of(new Listeners(), Listeners.class.getDeclaredMethod(name, String.class)));
	}

	static class Listeners {

		String answer(String question) {
			return "answer";
		}

		void handle(String event) {
		}

	}

	@Test
	void aPublisherOnlyAppNeedsNoQueueRightsAndANamedVirtualHostIsNamed() {
		RequiredScopes scopes = new RequiredScopes("broker", "prod", "events", List.of(), true);
		assertThat(scopes.broker(List.of(), List.of("orders.created"))).containsExactly("broker.configure:prod/events",
				"broker.write:prod/events/orders.created");
	}

	@Test
	void aHoldRuleInForceNeedsItsHoldingQueue() {
		RequiredScopes scopes = new RequiredScopes("rabbitmq", "/", "bus", List.of(), true);
		assertThat(scopes.broker(List.of(), List.of("orders.created"), List.of("bus.hold.incident.freeze")))
			.containsExactly("rabbitmq.configure:*/bus", "rabbitmq.configure:*/bus.hold.incident.freeze",
					"rabbitmq.read:*/bus.hold.incident.freeze", "rabbitmq.write:*/amq.default",
					"rabbitmq.write:*/bus/orders.created");
		assertThat(new RequiredScopes("rabbitmq", "/", "bus", List.of(), false).broker(List.of(), List.of(),
				List.of("bus.hold.incident.freeze")))
			.as("an operator declares it")
			.containsExactly("rabbitmq.read:*/bus.hold.incident.freeze", "rabbitmq.write:*/amq.default");
	}

}

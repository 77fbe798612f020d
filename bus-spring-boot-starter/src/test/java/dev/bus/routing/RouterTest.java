package dev.bus.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bus.OutboundMessage;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.routing.RoutingRule.Action;
import dev.bus.core.routing.RuleSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which rule decides, splits by key, and atomic updates that keep the last good rules.
 */
class RouterTest {

	record Order(String region, int total) {
	}

	private static OutboundMessage order(String topic, String region, String key) {
		return OutboundMessage.builder(topic, new Order(region, 10)).partitionKey(key).header("channel", "web").build();
	}

	@Test
	void theFirstMatchingRuleDecidesAndConditionsReadPayloadAndHeaders() {
		List<String> routed = new java.util.ArrayList<>();
		Router router = new Router((ruleSet, rule, action) -> routed.add(ruleSet + "/" + rule + "/" + action),
				TopicProtection.NONE);
		assertThat(router.update(List.of(new RuleSet("orders", 7, List.of(
				new RoutingRule("eu-only", "orders.*", "payload.region == 'eu' and headers['channel'] == 'web'",
						Action.REDIRECT, List.of("orders.eu"), null, null),
				new RoutingRule("audit", "orders.#", null, Action.COPY, List.of("audit.orders"), null, null))))))
			.isEmpty();

		Route eu = router.route(order("orders.created", "eu", null));
		assertThat(eu.action()).isEqualTo(Action.REDIRECT);
		assertThat(eu.targets()).containsExactly("orders.eu");
		assertThat(eu.routedBy()).isEqualTo("orders@7/eu-only");
		assertThat(router.route(order("orders.created", "us", null)).rule()).isEqualTo("audit");
		assertThat(router.route(order("payments.captured", "eu", null))).isEqualTo(Route.NONE);
		assertThat(routed).containsExactly("orders/eu-only/REDIRECT", "orders/audit/COPY");
	}

	@Test
	void aSplitSendsEveryKeyTheSameWayAndKeysByWeight() {
		RoutingRule canary = new RoutingRule("canary", "payments.*", null, Action.SPLIT,
				List.of("payments.stable", "payments.canary"), List.of(80, 20), null);
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < 10_000; i++) {
			String key = "customer-" + i;
			String target = Router.split(canary, key);
			assertThat(Router.split(canary, key)).isEqualTo(target);
			counts.merge(target, 1, Integer::sum);
		}
		assertThat(counts.get("payments.canary")).isBetween(1700, 2300);
	}

	@Test
	void aRefusedUpdateKeepsTheLastGoodRules() {
		Router router = new Router();
		RuleSet good = new RuleSet("orders", 1,
				List.of(new RoutingRule("freeze", "orders.*", null, Action.REJECT, null, null, "frozen")));
		assertThat(router.update(List.of(good))).isEmpty();
		RuleSet bad = new RuleSet("orders", 2, List
			.of(new RoutingRule("split", "orders.*", null, Action.SPLIT, List.of("a.b", "c.d"), List.of(1, 2), null)));
		assertThat(router.update(List.of(bad))).singleElement()
			.satisfies((problem) -> assertThat(problem).startsWith("rule set orders: rule 0 (split)"));
		assertThat(router.ruleSets()).containsExactly(good);
		assertThat(router.route(order("orders.created", "eu", null)).reason()).isEqualTo("frozen");
	}

	@Test
	void aRouteFromAnEncryptedTopicToOneInClearIsRefused() {
		Router router = new Router(RoutingObserver.NONE, (topic) -> topic.startsWith("payments."));
		assertThat(router.update(List.of(new RuleSet("leak", 1,
				List.of(new RoutingRule("sealed", "payments.captured", null, Action.COPY, List.of("payments.audit"),
						null, null),
						new RoutingRule("clear", "payments.refunded", null, Action.COPY, List.of("audit.refunds"), null,
								null))))))
			.isEmpty();
		assertThat(router.route(order("payments.captured", "eu", null)).action()).isEqualTo(Action.COPY);
		Route leak = router.route(order("payments.refunded", "eu", null));
		assertThat(leak.action()).isEqualTo(Action.REJECT);
		assertThat(leak.reason())
			.isEqualTo("it would send a message of encrypted topic payments.refunded in clear to " + "audit.refunds");
	}

}

package dev.bus.core.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bus.core.routing.RoutingRule.Action;

import static org.assertj.core.api.Assertions.assertThat;

/** A rule set is refused as a whole, with every problem named by its rule. */
class RuleSetValidatorTest {

	private final RuleSetValidator validator = new RuleSetValidator(
			(expression) -> expression.contains("((") ? "unbalanced" : null);

	private static RoutingRule rule(String name, String topic, Action action, List<String> to, List<Integer> weights) {
		return new RoutingRule(name, topic, null, action, to, weights, null);
	}

	@Test
	void aGoodRuleSetHasNoProblems() {
		RuleSet good = new RuleSet("orders", 3,
				List.of(rule("v2", "orders.created", Action.REDIRECT, List.of("orders.v2.created"), null),
						rule("audit", "orders.*", Action.COPY, List.of("audit.orders"), null),
						rule("canary", "payments.*", Action.SPLIT, List.of("payments.stable", "payments.canary"),
								List.of(90, 10)),
						new RoutingRule("freeze", "refunds.#", "headers['region'] == 'eu'", Action.REJECT, null, null,
								"refunds are frozen")));
		assertThat(this.validator.problems(good)).isEmpty();
	}

	@Test
	void everyProblemIsNamed() {
		RuleSet bad = new RuleSet("orders", 1,
				List.of(rule("a", "orders..x", Action.REDIRECT, List.of("one", "two"), null),
						rule("a", "orders.*", Action.SPLIT, List.of("x.a", "x.b"), List.of(50, 60)),
						rule("c", "orders.*", Action.COPY, List.of(), null),
						new RoutingRule("d", "orders.*", "payload.((", Action.REJECT, List.of("x"), null, null),
						rule("e", "orders.*", null, List.of("x"), null),
						rule("f", "orders.*", Action.HOLD, List.of("x"), null)));
		assertThat(this.validator.problems(bad)).anySatisfy((p) -> assertThat(p).startsWith("rule 0 (a): topic"))
			.anySatisfy((p) -> assertThat(p).contains("redirect needs exactly one target"))
			.anySatisfy((p) -> assertThat(p).contains("rule 1 (a): the name is used twice"))
			.anySatisfy((p) -> assertThat(p).contains("weights must not be negative and must sum to 100"))
			.anySatisfy((p) -> assertThat(p).contains("copy needs at least one target"))
			.anySatisfy((p) -> assertThat(p).contains("condition does not compile: unbalanced"))
			.anySatisfy((p) -> assertThat(p).contains("reject needs a reason"))
			.anySatisfy((p) -> assertThat(p).contains("reject takes no target topics"))
			.anySatisfy((p) -> assertThat(p).contains("rule 4 (e): no action"))
			.anySatisfy((p) -> assertThat(p).contains("rule 5 (f): hold takes no target topics"));
	}

	@Test
	void rulesSendingMessagesToEachOthersTopicsInACircleAreALoop() {
		RuleSet loop = new RuleSet("orders", 1,
				List.of(rule("to-b", "a.*", Action.REDIRECT, List.of("b.x"), null),
						rule("to-c", "b.*", Action.SPLIT, List.of("c.x", "c.y"), List.of(50, 50)),
						rule("to-a", "c.y", Action.REDIRECT, List.of("a.z"), null)));
		assertThat(this.validator.problems(loop)).singleElement()
			.satisfies((p) -> assertThat(p).contains("[to-b, to-c, to-a] send messages in a loop"));
		RuleSet self = new RuleSet("orders", 1,
				List.of(rule("v2", "orders.*", Action.REDIRECT, List.of("orders.v2"), null)));
		assertThat(this.validator.problems(self)).as("applied once: not a loop").isEmpty();
	}

}

package dev.bus.core.routing;

import java.util.List;

/**
 * One routing rule: the messages it applies to (a topic pattern and, optionally, a
 * condition on headers and payload) and what happens to them. Rules are applied once, at
 * publish time, in the publishing app: a message a rule sends elsewhere is not routed
 * again.
 *
 * @param name the rule's name, unique in its rule set; routed messages name it in
 * {@code bus-routed-by}
 * @param topic the topic pattern it applies to ({@code orders.*})
 * @param when a condition in the listener filters' expression language over
 * {@code payload}, {@code headers}, {@code topic}; empty or {@code null} for every
 * message on the topic
 * @param action what happens to a matching message
 * @param to the target topics: one for {@code redirect}, one or more for {@code copy},
 * two or more for {@code split}, none for {@code reject} and {@code hold}
 * @param weights {@code split}'s weights, one per target, summing to 100
 * @param reason {@code reject}'s reason, which the publisher's future fails with
 */
public record RoutingRule(String name, String topic, String when, Action action, List<String> to, List<Integer> weights,
		String reason) {

	public RoutingRule {
		to = (to != null) ? List.copyOf(to) : List.of();
		weights = (weights != null) ? List.copyOf(weights) : List.of();
	}

	/** What a rule does with a matching message. */
	public enum Action {

		/** Publish it to another topic instead. */
		REDIRECT,
		/**
		 * Publish it to its topic and to extra topics (audit, a new topic version's
		 * consumers).
		 */
		COPY,
		/**
		 * Publish it to one of several topics by weight, the same one for every message
		 * of a partition key (or message id when it has none): canary consumers.
		 */
		SPLIT,
		/**
		 * Refuse it: the publisher's future fails with the rule's reason; nothing is
		 * sent.
		 */
		REJECT,
		/**
		 * Park it in the rule's durable holding queue until an operator releases it (to
		 * its own topic), for incidents: nothing is lost and nothing is consumed
		 * meanwhile.
		 */
		HOLD

	}

}

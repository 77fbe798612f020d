package dev.bus.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bus.BusMessage;
import dev.bus.MessageRejectedException;
import dev.bus.OutboundMessage;
import dev.bus.core.LogValues;
import dev.bus.core.TopicPattern;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.routing.RuleSet;
import dev.bus.core.routing.RuleSetValidator;
import dev.bus.expression.MessageFilter;

/**
 * Applies routing rules at publish time, in the publishing app (no extra hop): the rule
 * sets in name order, within a set the first rule whose topic pattern and condition match
 * decides. Rule sets are replaced atomically and only when all of them are valid
 * ({@link #update}); a refused update leaves the last good ones in force.
 */
public class Router {

	private static final Log logger = LogFactory.getLog(Router.class);

	private final RuleSetValidator validator = new RuleSetValidator(Router::expressionProblem);

	private volatile List<CompiledRuleSet> ruleSets = List.of();

	private final RoutingObserver observer;

	private final TopicProtection protection;

	public Router() {
		this(RoutingObserver.NONE, TopicProtection.NONE);
	}

	/**
	 * @param observer hears every routed message (Bus's metrics)
	 * @param protection which topics are encrypted: a route from one of them to a topic
	 * in clear is refused
	 */
	public Router(RoutingObserver observer, TopicProtection protection) {
		this.observer = observer;
		this.protection = protection;
	}

	/**
	 * Puts these rule sets in force, replacing all others, when every one is valid.
	 * @return the problems that refused them (each prefixed by its rule set), empty when
	 * they are in force
	 */
	public List<String> update(List<RuleSet> ruleSets) {
		List<String> problems = new ArrayList<>();
		List<CompiledRuleSet> compiled = new ArrayList<>();
		for (RuleSet ruleSet : ruleSets) {
			List<String> ofThisSet = this.validator.problems(ruleSet);
			ofThisSet.forEach((problem) -> problems.add("rule set " + ruleSet.name() + ": " + problem));
			if (ofThisSet.isEmpty()) {
				compiled.add(CompiledRuleSet.of(ruleSet));
			}
		}
		if (problems.isEmpty()) {
			compiled.sort(Comparator.comparing((set) -> set.ruleSet().name()));
			this.ruleSets = List.copyOf(compiled);
		}
		return problems;
	}

	/** The rule sets in force. */
	public List<RuleSet> ruleSets() {
		return this.ruleSets.stream().map(CompiledRuleSet::ruleSet).toList();
	}

	/** What to do with a message. */
	public Route route(OutboundMessage message) {
		List<CompiledRuleSet> current = this.ruleSets;
		if (current.isEmpty()) {
			return Route.NONE;
		}
		BusMessage<Object> view = null;
		for (CompiledRuleSet ruleSet : current) {
			for (CompiledRule rule : ruleSet.rules()) {
				if (!rule.topic().matches(message.topic())) {
					continue;
				}
				if (rule.condition() != null) {
					if (view == null) {
						view = new BusMessage<>(message.payload(), message.messageId(), message.topic(), message.type(),
								null, null, message.partitionKey(), 1, message.headers(), null);
					}
					if (!matches(rule, view)) {
						continue;
					}
				}
				this.observer.routed(ruleSet.ruleSet().name(), rule.rule().name(), rule.rule().action());
				return route(ruleSet.ruleSet(), rule.rule(), message);
			}
		}
		return Route.NONE;
	}

	private static boolean matches(CompiledRule rule, BusMessage<Object> view) {
		try {
			return rule.condition().matches(view);
		}
		catch (MessageRejectedException ex) {
			logger.debug("The condition of routing rule '" + rule.rule().name() + "' could not be evaluated for "
					+ "message " + LogValues.escape(view.messageId()) + ": it does not apply");
			return false;
		}
	}

	private Route route(RuleSet ruleSet, RoutingRule rule, OutboundMessage message) {
		List<String> targets = switch (rule.action()) {
			case REDIRECT, COPY -> rule.to();
			case SPLIT ->
				List.of(split(rule, (message.partitionKey() != null) ? message.partitionKey() : message.messageId()));
			case REJECT, HOLD -> List.of();
		};
		if (this.protection.encrypted(message.topic())) {
			for (String target : targets) {
				if (!this.protection.encrypted(target)) {
					return new Route(ruleSet.name(), ruleSet.version(), rule.name(), RoutingRule.Action.REJECT,
							List.of(),
							"it would send a message of encrypted topic " + message.topic() + " in clear to " + target);
				}
			}
		}
		return new Route(ruleSet.name(), ruleSet.version(), rule.name(), rule.action(), targets, rule.reason());
	}

	/**
	 * The same target for the same key, every time and in every app:
	 * {@link String#hashCode} is specified.
	 */
	static String split(RoutingRule rule, String key) {
		int bucket = Math.floorMod(key.hashCode(), 100);
		int cumulative = 0;
		for (int i = 0; i < rule.to().size(); i++) {
			cumulative += rule.weights().get(i);
			if (bucket < cumulative) {
				return rule.to().get(i);
			}
		}
		return rule.to().get(rule.to().size() - 1);
	}

	private static String expressionProblem(String expression) {
		try {
			MessageFilter.parse(expression);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

	private record CompiledRule(RoutingRule rule, TopicPattern topic, MessageFilter condition) {
	}

	private record CompiledRuleSet(RuleSet ruleSet, List<CompiledRule> rules) {

		static CompiledRuleSet of(RuleSet ruleSet) {
			return new CompiledRuleSet(ruleSet, ruleSet.rules()
				.stream()
				.map((rule) -> new CompiledRule(rule, TopicPattern.of(rule.topic()),
						(rule.when() != null && !rule.when().isBlank()) ? MessageFilter.parse(rule.when()) : null))
				.toList());
		}

	}

}

package dev.bus.core.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.bus.core.TopicPattern;

/**
 * Checks a rule set completely before anyone applies it: format, topics, weights,
 * conditions (compiled by the caller's expression language) and redirect loops. A rule
 * set with any problem is refused as a whole: the last good one stays in force, never
 * half of a new one.
 */
public final class RuleSetValidator {

	private final Function<String, String> expressionProblem;

	/**
	 * @param expressionProblem what is wrong with a condition, or {@code null} when it
	 * compiles
	 */
	public RuleSetValidator(Function<String, String> expressionProblem) {
		this.expressionProblem = expressionProblem;
	}

	/** Every problem of the rule set, each naming the rule; empty when it is good. */
	public List<String> problems(RuleSet ruleSet) {
		List<String> problems = new ArrayList<>();
		if (ruleSet.name() == null || ruleSet.name().isBlank()) {
			problems.add("the rule set has no name");
		}
		if (ruleSet.version() < 0) {
			problems.add("version must not be negative");
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < ruleSet.rules().size(); i++) {
			RoutingRule rule = ruleSet.rules().get(i);
			String where = "rule " + i + ((rule.name() != null) ? " (" + rule.name() + ")" : "");
			if (rule.name() == null || rule.name().isBlank()) {
				problems.add(where + ": no name");
			}
			else if (!names.add(rule.name())) {
				problems.add(where + ": the name is used twice");
			}
			checkTopic(where, rule, problems);
			checkAction(where, rule, problems);
			if (rule.when() != null && !rule.when().isBlank()) {
				String problem = this.expressionProblem.apply(rule.when());
				if (problem != null) {
					problems.add(where + ": condition does not compile: " + problem);
				}
			}
		}
		if (problems.isEmpty()) {
			checkLoops(ruleSet, problems);
		}
		return problems;
	}

	private static void checkTopic(String where, RoutingRule rule, List<String> problems) {
		try {
			TopicPattern.of(rule.topic());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			problems.add(where + ": topic: " + ((rule.topic() == null) ? "missing" : ex.getMessage()));
		}
		for (String target : rule.to()) {
			try {
				TopicPattern.requireTopic(target);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				problems.add(where + ": target '" + target + "' is not a topic: " + ex.getMessage());
			}
		}
	}

	private static void checkAction(String where, RoutingRule rule, List<String> problems) {
		if (rule.action() == null) {
			problems.add(where + ": no action (redirect, copy, split, reject or hold)");
			return;
		}
		switch (rule.action()) {
			case REDIRECT -> {
				if (rule.to().size() != 1) {
					problems.add(where + ": redirect needs exactly one target topic in 'to'");
				}
			}
			case COPY -> {
				if (rule.to().isEmpty()) {
					problems.add(where + ": copy needs at least one target topic in 'to'");
				}
			}
			case SPLIT -> {
				if (rule.to().size() < 2) {
					problems.add(where + ": split needs at least two target topics in 'to'");
				}
				if (rule.weights().size() != rule.to().size()) {
					problems.add(where + ": split needs one weight per target");
				}
				else if (rule.weights().stream().anyMatch((weight) -> weight == null || weight < 0)
						|| rule.weights().stream().mapToInt(Integer::intValue).sum() != 100) {
					problems.add(where + ": split's weights must not be negative and must sum to 100");
				}
			}
			case REJECT -> {
				if (rule.reason() == null || rule.reason().isBlank()) {
					problems.add(where + ": reject needs a reason");
				}
				if (!rule.to().isEmpty()) {
					problems.add(where + ": reject takes no target topics");
				}
			}
			case HOLD -> {
				if (!rule.to().isEmpty()) {
					problems.add(where + ": hold takes no target topics (the rule's holding queue is the target)");
				}
			}
		}
	}

	/**
	 * Rules apply once, so nothing loops at run time; but rules that send messages to
	 * each other's topics in a circle (A redirects to B's topics, B to A's) say two
	 * owners disagree where the messages belong: refused. A rule whose target matches its
	 * own pattern is not a loop (it is applied once).
	 */
	private static void checkLoops(RuleSet ruleSet, List<String> problems) {
		List<RoutingRule> moving = ruleSet.rules()
			.stream()
			.filter((rule) -> rule.action() == RoutingRule.Action.REDIRECT || rule.action() == RoutingRule.Action.SPLIT)
			.toList();
		for (RoutingRule start : moving) {
			List<RoutingRule> path = new ArrayList<>();
			if (leadsBack(start, start, moving, path, new HashSet<>())) {
				problems.add("rules " + path.stream().map(RoutingRule::name).toList() + " send messages in a loop");
				return;
			}
		}
	}

	private static boolean leadsBack(RoutingRule start, RoutingRule current, List<RoutingRule> moving,
			List<RoutingRule> path, Set<String> visited) {
		path.add(current);
		visited.add(current.name());
		for (RoutingRule next : moving) {
			TopicPattern nextTopics = TopicPattern.of(next.topic());
			if (next == current || current.to().stream().noneMatch(nextTopics::matches)) {
				continue;
			}
			if (next == start) {
				return true;
			}
			if (!visited.contains(next.name()) && leadsBack(start, next, moving, path, visited)) {
				return true;
			}
		}
		path.remove(path.size() - 1);
		return false;
	}

}

package dev.bus.console.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.console.audit.ConsoleAudit;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.routing.RuleSet;
import dev.bus.core.routing.RuleSetValidator;

/**
 * The routing rule sets in Consul KV, and their edits. An edit is checked as the sidecars
 * check it (bus-core's {@link RuleSetValidator}, conditions compiled by SpEL's parser as
 * the sidecar compiles them) before it is written, and refused with its problems: the
 * version in force stays. It is written with Consul's check-and-set, so an edit made on a
 * stale page is refused instead of overwriting a colleague's.
 */
public class RuleSets {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final JsonMapper json = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build();

	private final RuleSetValidator validator = new RuleSetValidator(RuleSets::expressionProblem);

	private final ConsulCatalog consul;

	private final String prefix;

	private final ConsoleAudit audit;

	public RuleSets(ConsulCatalog consul, String prefix, ConsoleAudit audit) {
		this.consul = consul;
		this.prefix = prefix;
		this.audit = audit;
	}

	/** Every rule set under the prefix, with what is wrong with any of them. */
	public List<Entry> list() {
		List<Entry> entries = new ArrayList<>();
		for (Map.Entry<String, ConsulCatalog.KvValue> kv : this.consul.values(this.prefix).entrySet()) {
			if (kv.getKey().endsWith("/")) {
				continue;
			}
			String name = kv.getKey().substring(this.prefix.length());
			Checked checked = check(kv.getValue().value());
			entries.add(new Entry(name, kv.getValue().value(), kv.getValue().modifyIndex(), checked.ruleSet(),
					checked.problems()));
		}
		return entries;
	}

	/**
	 * Writes a new version of a rule set, if it is valid, newer than the one in Consul
	 * and that one is still at {@code expectedIndex} (0 for a new set).
	 * @return the problems that refused it; empty when it was written
	 */
	public List<String> save(String who, String name, String text, long expectedIndex) {
		List<String> problems = new ArrayList<>();
		if (!name.matches("[A-Za-z0-9._-]{1,128}")) {
			problems.add("a rule set's name is 1 to 128 letters, digits, '.', '_' or '-'");
		}
		Checked checked = check(text);
		problems.addAll(checked.problems());
		if (problems.isEmpty()) {
			ConsulCatalog.KvValue current = this.consul.values(this.prefix + name).get(this.prefix + name);
			RuleSet currentSet = (current != null) ? check(current.value()).ruleSet() : null;
			if (currentSet != null && checked.ruleSet().version() <= currentSet.version()) {
				problems.add("version must be greater than " + currentSet.version() + ", the version in Consul");
			}
			else if (!this.consul.put(this.prefix + name, text, expectedIndex)) {
				problems.add("the rule set changed in Consul since this page was drawn: reload it and edit again");
			}
		}
		String target = "rule set " + name
				+ ((checked.ruleSet() != null) ? " version " + checked.ruleSet().version() : "");
		this.audit.record(who, "routing-edit", target,
				problems.isEmpty() ? "written to Consul" : "refused: " + String.join("; ", problems));
		return problems;
	}

	/** The hold rules of every valid rule set, with their set's name. */
	public List<Hold> holds(List<Entry> entries) {
		List<Hold> holds = new ArrayList<>();
		for (Entry entry : entries) {
			if (entry.ruleSet() == null) {
				continue;
			}
			for (RoutingRule rule : entry.ruleSet().rules()) {
				if (rule.action() == RoutingRule.Action.HOLD) {
					holds.add(new Hold(entry.ruleSet().name(), rule.name(), rule.topic()));
				}
			}
		}
		return holds;
	}

	private Checked check(String text) {
		try {
			RuleSet ruleSet = this.json.readValue(text, RuleSet.class);
			return new Checked(ruleSet, this.validator.problems(ruleSet));
		}
		catch (JacksonException ex) {
			return new Checked(null, List.of("not a rule set in JSON: " + ex.getOriginalMessage()));
		}
	}

	private static String expressionProblem(String expression) {
		try {
			PARSER.parseExpression(expression);
			return null;
		}
		catch (ParseException ex) {
			return ex.getSimpleMessage();
		}
	}

	private record Checked(RuleSet ruleSet, List<String> problems) {
	}

	/**
	 * A rule set as Consul holds it.
	 *
	 * @param name its key under the prefix
	 * @param text its JSON
	 * @param modifyIndex Consul's index of its last change, the edit's check-and-set
	 * @param ruleSet the parsed set, or {@code null} when it is not one
	 * @param problems why the sidecars refuse it (then its last good version is in force)
	 */
	public record Entry(String name, String text, long modifyIndex, RuleSet ruleSet, List<String> problems) {
	}

	/**
	 * A hold rule.
	 *
	 * @param ruleSet its set
	 * @param rule its name
	 * @param topic the topic pattern it holds
	 */
	public record Hold(String ruleSet, String rule, String topic) {
	}

}

package dev.bus.core.operations;

/**
 * What a release of held messages did ({@code POST /actuator/bus/{ruleSet}/{rule}}).
 *
 * @param ruleSet the rule set
 * @param rule the hold rule
 * @param released how many messages went on to their topics
 */
public record HoldRelease(String ruleSet, String rule, int released) {
}

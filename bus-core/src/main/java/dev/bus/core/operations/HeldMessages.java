package dev.bus.core.operations;

/**
 * What a hold routing rule holds ({@code GET /actuator/bus/holds}).
 *
 * @param ruleSet the rule set
 * @param rule the hold rule
 * @param topic the topic pattern it holds
 * @param queue its holding queue
 * @param held the messages in the holding queue, whichever application parked them;
 * {@code -1} when unknown (the rule has held nothing yet, so its queue is not declared,
 * or the broker did not answer)
 */
public record HeldMessages(String ruleSet, String rule, String topic, String queue, long held) {
}

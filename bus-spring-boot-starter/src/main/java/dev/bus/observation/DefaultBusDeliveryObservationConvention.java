package dev.bus.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.bus.DeliveryOutcome;

/**
 * {@code bus.delivery}, tagged by topic (bounded), group, listener, outcome and reason;
 * the message id and the attempt are high-cardinality.
 */
public class DefaultBusDeliveryObservationConvention implements BusDeliveryObservationConvention {

	private final TopicTags topics;

	/**
	 * @param topics the bound on the {@code topic} tag, shared with the other Bus
	 * observations
	 */
	public DefaultBusDeliveryObservationConvention(TopicTags topics) {
		this.topics = topics;
	}

	@Override
	public String getName() {
		return "bus.delivery";
	}

	@Override
	public String getContextualName(BusDeliveryObservationContext context) {
		return "process " + context.topic();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(BusDeliveryObservationContext context) {
		DeliveryOutcome outcome = context.outcome();
		String reason = (outcome != null && outcome.reason() != null) ? outcome.reason() : "none";
		return KeyValues.of(BusObservation.DeliveryKeys.TOPIC.withValue(this.topics.tag(context.topic())),
				BusObservation.DeliveryKeys.GROUP.withValue((context.group() != null) ? context.group() : "none"),
				BusObservation.DeliveryKeys.LISTENER.withValue(context.listener()),
				BusObservation.DeliveryKeys.OUTCOME.withValue(context.outcomeName()),
				BusObservation.DeliveryKeys.REASON.withValue(reason));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(BusDeliveryObservationContext context) {
		KeyValue attempt = BusObservation.CommonHighCardinalityKeys.ATTEMPT
			.withValue(Integer.toString(context.attempt()));
		return (context.messageId() != null)
				? KeyValues.of(attempt,
						BusObservation.CommonHighCardinalityKeys.MESSAGE_ID.withValue(context.messageId()))
				: KeyValues.of(attempt);
	}

}

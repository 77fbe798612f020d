package dev.bus.observation;

import io.micrometer.common.KeyValues;

/**
 * {@code bus.publish}, tagged by topic (bounded), outcome and reason; the message id is
 * high-cardinality.
 */
public class DefaultBusPublishObservationConvention implements BusPublishObservationConvention {

	private final TopicTags topics;

	/**
	 * @param topics the bound on the {@code topic} tag, shared with the other Bus
	 * observations
	 */
	public DefaultBusPublishObservationConvention(TopicTags topics) {
		this.topics = topics;
	}

	@Override
	public String getName() {
		return "bus.publish";
	}

	@Override
	public String getContextualName(BusPublishObservationContext context) {
		return "publish " + context.topic();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(BusPublishObservationContext context) {
		return KeyValues.of(BusObservation.PublishKeys.TOPIC.withValue(this.topics.tag(context.topic())),
				BusObservation.PublishKeys.OUTCOME.withValue(context.outcome()),
				BusObservation.PublishKeys.REASON.withValue(context.reason()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(BusPublishObservationContext context) {
		return (context.messageId() != null)
				? KeyValues.of(BusObservation.CommonHighCardinalityKeys.MESSAGE_ID.withValue(context.messageId()))
				: KeyValues.empty();
	}

}

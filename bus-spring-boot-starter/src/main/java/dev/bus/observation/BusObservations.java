package dev.bus.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;
import dev.bus.OutboundMessage;

/**
 * Starts and ends Bus's observations in the application's {@link ObservationRegistry},
 * with the user's conventions where given. Observations are not opened in scope: Bus's
 * spans come from its own tracing (see {@code docs/tracing.md}), and a message's
 * observation can end on another thread (a confirm) than it began.
 */
public final class BusObservations {

	/** Observes nothing, at no cost. */
	public static final BusObservations NONE = new BusObservations(ObservationRegistry.NOOP, null, null,
			new TopicTags(0));

	private final ObservationRegistry registry;

	private final BusPublishObservationConvention publishConvention;

	private final BusDeliveryObservationConvention deliveryConvention;

	private final DefaultBusPublishObservationConvention defaultPublishConvention;

	private final DefaultBusDeliveryObservationConvention defaultDeliveryConvention;

	/**
	 * @param registry the application's registry
	 * @param publishConvention the user's convention for publishes, or {@code null} for
	 * the default
	 * @param deliveryConvention the user's convention for deliveries, or {@code null} for
	 * the default
	 * @param topics the bound on the default conventions' {@code topic} tag
	 */
	public BusObservations(ObservationRegistry registry, BusPublishObservationConvention publishConvention,
			BusDeliveryObservationConvention deliveryConvention, TopicTags topics) {
		this.registry = registry;
		this.publishConvention = publishConvention;
		this.deliveryConvention = deliveryConvention;
		this.defaultPublishConvention = new DefaultBusPublishObservationConvention(topics);
		this.defaultDeliveryConvention = new DefaultBusDeliveryObservationConvention(topics);
	}

	/**
	 * Starts the observation of one publish, of the message on the topic it is published
	 * to; end it with {@link #publishSettled}.
	 */
	public Observation publishStarted(OutboundMessage message) {
		return BusObservation.PUBLISH.start(this.publishConvention, this.defaultPublishConvention,
				() -> new BusPublishObservationContext(message), this.registry);
	}

	/**
	 * Ends a publish's observation: {@code error} is {@code null} when the broker
	 * confirmed it.
	 */
	public static void publishSettled(Observation observation, Throwable error) {
		if (observation.getContext() instanceof BusPublishObservationContext context) {
			context.settle(error);
		}
		observation.stop();
	}

	/** Starts the observation of one delivery; end it with {@link #deliverySettled}. */
	public Observation deliveryStarted(String listener, String group, String topic, String messageId, int attempt) {
		return BusObservation.DELIVERY.start(this.deliveryConvention, this.defaultDeliveryConvention,
				() -> new BusDeliveryObservationContext(listener, group, topic, messageId, attempt), this.registry);
	}

	/**
	 * Whether a context is one of Bus's ({@code bus.publish}, {@code bus.delivery}): what
	 * a handler that takes Bus's observations supports.
	 */
	public static boolean isBusContext(Observation.Context context) {
		return context instanceof BusPublishObservationContext || context instanceof BusDeliveryObservationContext;
	}

	/** Records the message a delivery's listener method gets, once decoded. */
	public static void deliveryDecoded(Observation observation, BusMessage<?> message) {
		if (observation.getContext() instanceof BusDeliveryObservationContext context) {
			context.decoded(message);
		}
	}

	/** Ends a delivery's observation with its outcome. */
	public static void deliverySettled(Observation observation, DeliveryOutcome outcome) {
		if (observation.getContext() instanceof BusDeliveryObservationContext context) {
			context.settle(outcome);
		}
		observation.stop();
	}

}

package dev.bus.observation;

import java.util.Map;
import java.util.stream.Stream;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.OutboundMessage;

/**
 * Starts and ends Bus's observations in the application's {@link ObservationRegistry},
 * with the user's conventions where given: the one point Bus is instrumented at. Metrics
 * and spans are handlers of these observations ({@link BusObservationHandler}).
 * Observations are not opened in scope: a publish's ends on the thread of the broker's
 * confirm, and a delivery's starts and stops on the listener's thread around the receive
 * chain and the listener method, which is what its tracing handler needs to make the
 * consumer span current there (see its javadoc for the measured reason).
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
		return publishStarted(message, false);
	}

	/**
	 * Starts the observation of a reply to a request this application received, a publish
	 * on the request's topic; end it with {@link #publishSettled}.
	 */
	public Observation replyStarted(OutboundMessage reply) {
		return publishStarted(reply, true);
	}

	private Observation publishStarted(OutboundMessage message, boolean reply) {
		return BusObservation.PUBLISH.start(this.publishConvention, this.defaultPublishConvention,
				() -> new BusPublishObservationContext(message, reply), this.registry);
	}

	/**
	 * A registry of Bus's own, for an application that has none: Bus's handlers, and
	 * nothing else, observe into it.
	 */
	public static ObservationRegistry registryOf(Stream<? extends BusObservationHandler> handlers) {
		ObservationRegistry registry = ObservationRegistry.create();
		handlers.forEach(registry.observationConfig()::observationHandler);
		return registry;
	}

	/**
	 * The headers a handler put in a publish's context when it started (a tracing
	 * handler's trace context), for the message's envelope; empty when nothing observes.
	 */
	public static Map<String, Object> traceHeaders(Observation observation) {
		return (observation.getContext() instanceof BusPublishObservationContext context) ? context.getCarrier()
				: Map.of();
	}

	/** Records the size of a publish's body as sent, once its envelope is sealed. */
	public static void publishSealed(Observation observation, int bodySize) {
		if (observation.getContext() instanceof BusPublishObservationContext context) {
			context.sealed(bodySize);
		}
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

	/**
	 * Starts the observation of one delivery, before the receive chain, on the listener's
	 * thread; end it there with {@link #deliverySettled}.
	 */
	public Observation deliveryStarted(IncomingMessage message) {
		return BusObservation.DELIVERY.start(this.deliveryConvention, this.defaultDeliveryConvention,
				() -> new BusDeliveryObservationContext(message), this.registry);
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

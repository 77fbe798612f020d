package dev.bus.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link BusObservation#DELIVERY}. Declare a bean of this type to replace
 * {@link DefaultBusDeliveryObservationConvention}, or extend that class to add to its
 * tags.
 */
public interface BusDeliveryObservationConvention extends ObservationConvention<BusDeliveryObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof BusDeliveryObservationContext;
	}

}

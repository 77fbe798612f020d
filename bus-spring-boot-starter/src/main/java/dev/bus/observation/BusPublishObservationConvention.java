package dev.bus.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link BusObservation#PUBLISH}. Declare a bean of this type to replace
 * {@link DefaultBusPublishObservationConvention}, or extend that class to add to its
 * tags.
 */
public interface BusPublishObservationConvention extends ObservationConvention<BusPublishObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof BusPublishObservationContext;
	}

}

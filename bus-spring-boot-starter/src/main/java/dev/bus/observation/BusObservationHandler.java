package dev.bus.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * A handler of Bus's observations only ({@code bus.publish}, {@code bus.delivery}): Bus's
 * meters and spans. As beans they join the application's
 * {@link io.micrometer.observation.ObservationRegistry} the way Boot adds every handler;
 * an application without a registry gets one of Bus's own with these handlers in it
 * ({@link BusObservations#registryOf}).
 */
public interface BusObservationHandler extends ObservationHandler<Observation.Context> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return BusObservations.isBusContext(context);
	}

}

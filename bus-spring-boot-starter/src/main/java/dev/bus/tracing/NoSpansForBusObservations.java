package dev.bus.tracing;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.core.Ordered;

import dev.bus.observation.BusObservations;

/**
 * Keeps micrometer-tracing from making spans for Bus's observations. A message's spans
 * come from Bus's {@link OpenTelemetryBusObservationHandler}, with the messaging
 * attributes and the trace carried in the message; Boot's propagating and default tracing
 * handlers, which also take Bus's sender and receiver contexts, would make a second span
 * per message. Boot lets the first tracing handler that supports a context handle it, so
 * this one, first in order and doing nothing, takes Bus's contexts.
 */
public final class NoSpansForBusObservations implements TracingObservationHandler<Observation.Context>, Ordered {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return BusObservations.isBusContext(context);
	}

	@Override
	public void onScopeOpened(Observation.Context context) {
	}

	@Override
	public void onScopeClosed(Observation.Context context) {
	}

	@Override
	public void onScopeReset(Observation.Context context) {
	}

	@Override
	public Tracer getTracer() {
		return Tracer.NOOP;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

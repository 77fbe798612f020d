package dev.bus.testkit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.OutboundMessage;
import dev.bus.observation.BusDeliveryObservationContext;
import dev.bus.observation.BusObservations;
import dev.bus.observation.BusPublishObservationContext;

/**
 * Feeds the harness from Bus's observations, the one point every publish and every
 * delivery passes, refusals included: a publish when it settles (the broker's confirm, or
 * the failure), a delivery when it has ended. Not the application's replies to requests,
 * nor the replies it receives to its own: the request and the listener's handling of it
 * say what happened.
 */
final class HarnessObservationHandler implements ObservationHandler<Observation.Context> {

	private final BusTestHarness harness;

	HarnessObservationHandler(BusTestHarness harness) {
		this.harness = harness;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return BusObservations.isBusContext(context);
	}

	@Override
	public void onStop(Observation.Context context) {
		if (context instanceof BusPublishObservationContext publish && !publish.isReply()) {
			OutboundMessage message = publish.message();
			this.harness.recordPublished(new PublishedMessage<>(message.topic(), message.messageId(), message.payload(),
					message.headers(), publish.getError()));
		}
		else if (context instanceof BusDeliveryObservationContext delivery && delivery.outcome() != null
				&& !IncomingMessage.REPLY.equals(delivery.listener())) {
			DeliveryOutcome outcome = delivery.outcome();
			this.harness.recordDelivery(
					new Delivery(delivery.listener(), delivery.group(), delivery.topic(), delivery.messageId(),
							delivery.attempt(), outcome.kind(), outcome.reason(), outcome.error(), delivery.message()));
		}
	}

}

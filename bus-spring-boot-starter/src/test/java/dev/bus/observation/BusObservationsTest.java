package dev.bus.observation;

import java.util.List;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.BusPublishException;
import dev.bus.DeliveryOutcome;
import dev.bus.OutboundMessage;
import dev.bus.metrics.BusMeterObservationHandler;
import dev.bus.test.TestDelivery;
import dev.bus.tracing.NoSpansForBusObservations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bus's observations through Micrometer's own meter handler: one timer per publish and
 * per delivery outcome, tagged by outcome and reason, with the {@code topic} tag bounded;
 * and no second span from micrometer-tracing.
 */
class BusObservationsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final BusObservations observations = new BusObservations(this.registry, null, null, new TopicTags(2));

	BusObservationsTest() {
		// As Boot groups meter handlers: the first that supports a context handles it.
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new BusMeterObservationHandler(this.meters), new DefaultMeterObservationHandler(this.meters)));
	}

	@Test
	void aPublishIsTimedUntilItsConfirmOrFailure() {
		BusObservations.publishSettled(this.observations.publishStarted(message("orders.created", "m-1")), null);
		BusObservations.publishSettled(this.observations.publishStarted(message("orders.created", "m-2")),
				new java.util.concurrent.CompletionException(new BusPublishException(
						BusPublishException.Reason.UNROUTABLE, "orders.created", "m-2", "no queue", null)));
		assertThat(this.meters.get("bus.publish").tags("outcome", "confirmed", "reason", "none").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("bus.publish")
			.tags("outcome", "failed", "reason", "unroutable", "error", "BusPublishException")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.find("bus.publish.active").longTaskTimer()).as("no long task timer per message")
			.isNull();
	}

	@Test
	void aTimerIsMadeOnceAndReusedWhileOtherObservationsKeepMicrometersHandler() {
		BusObservations.publishSettled(this.observations.publishStarted(message("orders.created", "m-1")), null);
		Timer timer = this.meters.get("bus.publish").timer();
		this.meters.clear();
		BusObservations.publishSettled(this.observations.publishStarted(message("orders.created", "m-2")), null);
		assertThat(timer.count()).as("the kept timer, not a new lookup in the registry").isEqualTo(2);
		assertThat(this.meters.find("bus.publish").timers()).isEmpty();
		Observation.start("http.client.requests", this.registry).stop();
		assertThat(this.meters.get("http.client.requests").timer().count()).isEqualTo(1);
		assertThat(this.meters.get("http.client.requests.active").longTaskTimer()).isNotNull();
	}

	@Test
	void aDeliveryIsTaggedWithItsOutcomeListenerAndGroup() {
		BusObservations.deliverySettled(this.observations.deliveryStarted(delivery("m-1", 1)),
				new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
		BusObservations.deliverySettled(this.observations.deliveryStarted(delivery("m-2", 3)), new DeliveryOutcome(
				DeliveryOutcome.Kind.DEAD_LETTERED, "handler-failed", new IllegalStateException("boom")));
		BusObservations.deliverySettled(this.observations.deliveryStarted(delivery("m-3", 1)),
				new DeliveryOutcome(DeliveryOutcome.Kind.SKIPPED, "filtered", null));
		assertThat(this.meters.get("bus.delivery")
			.tags("listener", "inventory.onOrder", "group", "inventory", "outcome", "consumed", "reason", "none")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("bus.delivery")
			.tags("outcome", "dead-lettered", "reason", "handler-failed", "error", "IllegalStateException")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("bus.delivery").tags("outcome", "skipped", "reason", "filtered").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("bus.delivery").timers())
			.as("the message id and attempt are high-cardinality: never tags")
			.allSatisfy((timer) -> assertThat(timer.getId().getTag("bus.message.id")).isNull());
	}

	@Test
	void topicsBeyondTheBoundAreTaggedOther() {
		for (int i = 0; i < 20; i++) {
			BusObservations.publishSettled(this.observations.publishStarted(message("orders.created", "a" + i)), null);
			BusObservations.publishSettled(this.observations.publishStarted(message("orders.cancelled", "b" + i)),
					null);
			BusObservations
				.publishSettled(this.observations.publishStarted(message("customer-" + i + ".updated", "c" + i)), null);
		}
		List<String> topics = this.meters.get("bus.publish")
			.timers()
			.stream()
			.map((timer) -> timer.getId().getTag("topic"))
			.toList();
		assertThat(topics).containsExactlyInAnyOrder("orders.created", "orders.cancelled", TopicTags.OTHER);
		Timer other = this.meters.get("bus.publish").tag("topic", TopicTags.OTHER).timer();
		assertThat(other.count()).isEqualTo(20);
	}

	@Test
	void aUsersConventionReplacesTheDefault() {
		BusPublishObservationConvention mine = new BusPublishObservationConvention() {

			@Override
			public String getName() {
				return "my.publish";
			}

		};
		BusObservations custom = new BusObservations(this.registry, mine, null, new TopicTags(10));
		BusObservations.publishSettled(custom.publishStarted(message("orders.created", "m-1")), null);
		assertThat(this.meters.find("my.publish").timer()).isNotNull();
		assertThat(this.meters.find("bus.publish").timer()).isNull();
	}

	@Test
	void withoutARegistryNothingIsObserved() {
		Observation observation = BusObservations.NONE.publishStarted(message("orders.created", "m-1"));
		assertThat(observation.isNoop()).isTrue();
		BusObservations.publishSettled(observation, null);
	}

	@Test
	void micrometerTracingMakesNoSecondSpanForBusObservationsButStillForOthers() {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry traced = ObservationRegistry.create();
		traced.observationConfig()
			.observationHandler(
					new ObservationHandler.FirstMatchingCompositeObservationHandler(new NoSpansForBusObservations(),
							new PropagatingSenderTracingObservationHandler<>(tracer, Propagator.NOOP),
							new PropagatingReceiverTracingObservationHandler<>(tracer, Propagator.NOOP),
							new DefaultTracingObservationHandler(tracer)));
		BusObservations busObservations = new BusObservations(traced, null, null, new TopicTags(10));
		BusObservations.publishSettled(busObservations.publishStarted(message("orders.created", "m-1")), null);
		BusObservations.deliverySettled(busObservations.deliveryStarted(delivery("m-1", 1)),
				new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
		assertThat(tracer.getSpans()).as("Bus's own tracing makes a message's spans").isEmpty();
		Observation.start("http.server.requests", traced).stop();
		assertThat(tracer.getSpans()).hasSize(1);
	}

	private static TestDelivery delivery(String messageId, int attempt) {
		return new TestDelivery("orders.created", messageId, attempt, new MessageProperties(), new byte[0]);
	}

	private static OutboundMessage message(String topic, String messageId) {
		return OutboundMessage.builder(topic, "payload").messageId(messageId).build();
	}

}

package dev.bus.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.bus.BusPublishException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters are registered once and reused, and the {@code topic} tag stays within its bound.
 */
class MicrometerBusMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerBusMetrics metrics = new MicrometerBusMetrics(this.registry, 2);

	@Test
	void topicsBeyondTheBoundAreCountedAsOther() {
		for (int i = 0; i < 50; i++) {
			this.metrics.published("orders.created");
			this.metrics.published("orders.cancelled");
			this.metrics.published("customer-" + i + ".updated");
		}
		assertThat(this.registry.get("bus.publisher.messages").tag("topic", "orders.created").counter().count())
			.isEqualTo(50);
		assertThat(this.registry.get("bus.publisher.messages").tag("topic", "other").counter().count()).isEqualTo(50);
		assertThat(this.registry.find("bus.publisher.messages").counters()).hasSize(3);
	}

	@Test
	void aMeterIsRegisteredOnceAndReused() {
		this.metrics.confirmed("orders.created");
		var counter = this.registry.get("bus.publisher.messages").tag("outcome", "confirmed").counter();
		this.registry.clear();
		this.metrics.confirmed("orders.created");
		assertThat(counter.count()).as("the cached meter, not a new lookup in the registry").isEqualTo(2);
		assertThat(this.registry.find("bus.publisher.messages").counters()).isEmpty();
	}

	@Test
	void aRejectedPublishHasItsOwnOutcome() {
		this.metrics.failed("orders.created", new BusPublishException(BusPublishException.Reason.REJECTED,
				"orders.created", "m-1", "access-denied: no", null));
		assertThat(this.registry.get("bus.publisher.messages").tag("outcome", "rejected").counter().count())
			.isEqualTo(1);
	}

	@Test
	void routedMessagesAreCountedByRuleSetRuleAndAction() {
		MicrometerBusMetrics metrics = new MicrometerBusMetrics(this.registry, 10);
		metrics.routed("orders", "v2", dev.bus.core.routing.RoutingRule.Action.REDIRECT);
		metrics.routed("orders", "v2", dev.bus.core.routing.RoutingRule.Action.REDIRECT);
		assertThat(this.registry.get("bus.routing.routed").tags("rule-set", "orders", "rule", "v2", "action", "redirect")
			.counter()
			.count()).isEqualTo(2);
	}

}

package dev.bus.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.bus.core.routing.RoutingRule;
import dev.bus.observation.TopicTags;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay and routing meters are registered once and reused, and their {@code topic}
 * tag stays within its bound.
 */
class MicrometerBusMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerBusMetrics metrics = new MicrometerBusMetrics(this.registry, new TopicTags(2));

	@Test
	void relayTopicsBeyondTheBoundAreTimedAsOther() {
		for (int i = 0; i < 50; i++) {
			this.metrics.relayed("orders.created", Duration.ofMillis(1));
			this.metrics.relayed("orders.cancelled", Duration.ofMillis(1));
			this.metrics.relayed("customer-" + i + ".updated", Duration.ofMillis(1));
		}
		assertThat(this.registry.get("bus.outbox.relay.latency").tag("topic", "orders.created").timer().count())
			.isEqualTo(50);
		assertThat(this.registry.get("bus.outbox.relay.latency").tag("topic", "other").timer().count()).isEqualTo(50);
		assertThat(this.registry.find("bus.outbox.relay.latency").timers()).hasSize(3);
	}

	@Test
	void aMeterIsRegisteredOnceAndReused() {
		this.metrics.relayed("orders.created", Duration.ofMillis(1));
		var timer = this.registry.get("bus.outbox.relay.latency").timer();
		this.registry.clear();
		this.metrics.relayed("orders.created", Duration.ofMillis(1));
		assertThat(timer.count()).as("the cached meter, not a new lookup in the registry").isEqualTo(2);
		assertThat(this.registry.find("bus.outbox.relay.latency").timers()).isEmpty();
	}

	@Test
	void routedMessagesAreCountedByRuleSetRuleAndAction() {
		this.metrics.routed("orders", "v2", RoutingRule.Action.REDIRECT);
		this.metrics.routed("orders", "v2", RoutingRule.Action.REDIRECT);
		assertThat(this.registry.get("bus.routing.routed")
			.tags("rule-set", "orders", "rule", "v2", "action", "redirect")
			.counter()
			.count()).isEqualTo(2);
	}

}

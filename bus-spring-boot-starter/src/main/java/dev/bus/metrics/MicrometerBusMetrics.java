package dev.bus.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.bus.core.routing.RoutingRule;
import dev.bus.observation.TopicTags;
import dev.bus.outbox.OutboxObserver;
import dev.bus.routing.RoutingObserver;

/**
 * The Bus meters that are not per message (publishes and deliveries are observations, see
 * {@link dev.bus.observation.BusObservation}):
 * <ul>
 * <li>{@code bus.outbox.relay.latency} timer (outbox write to broker confirm), tag
 * {@code topic}, and {@code bus.outbox.relay.failures} counter;</li>
 * <li>{@code bus.routing.routed} counter, tags {@code rule-set}, {@code rule},
 * {@code action}.</li>
 * </ul>
 * Each meter is registered once and kept, so a message costs a map lookup and an
 * increment, not a meter lookup in the registry. The {@code topic} tag is bounded
 * ({@link TopicTags}).
 */
public class MicrometerBusMetrics implements OutboxObserver, RoutingObserver {

	private final MeterRegistry registry;

	private final TopicTags topics;

	private final Map<String, Timer> relayTimers = new ConcurrentHashMap<>();

	private final Map<String, Counter> routingCounters = new ConcurrentHashMap<>();

	private final Counter relayFailures;

	/**
	 * @param registry where meters go
	 * @param topics the bound on the {@code topic} tag, shared with Bus's observations
	 */
	public MicrometerBusMetrics(MeterRegistry registry, TopicTags topics) {
		this.registry = registry;
		this.topics = topics;
		this.relayFailures = Counter.builder("bus.outbox.relay.failures")
			.description("Outbox relay passes that failed (database or broker unreachable)")
			.register(registry);
	}

	/**
	 * {@code bus.routing.routed}, by rule set, rule and action: bounded by the rules, not
	 * by the messages.
	 */
	@Override
	public void routed(String ruleSet, String rule, RoutingRule.Action action) {
		String actionTag = action.name().toLowerCase(Locale.ROOT);
		this.routingCounters
			.computeIfAbsent(ruleSet + '\0' + rule + '\0' + actionTag,
					(key) -> Counter.builder("bus.routing.routed")
						.description("Messages a routing rule sent elsewhere, copied or rejected")
						.tag("rule-set", ruleSet)
						.tag("rule", rule)
						.tag("action", actionTag)
						.register(this.registry))
			.increment();
	}

	@Override
	public void relayed(String topic, Duration latency) {
		String tag = this.topics.tag(topic);
		this.relayTimers
			.computeIfAbsent(tag,
					(key) -> Timer.builder("bus.outbox.relay.latency")
						.description("Time from the outbox write to the broker's confirm of the relayed message")
						.tag("topic", tag)
						.register(this.registry))
			.record(latency);
	}

	@Override
	public void passFailed(RuntimeException error) {
		this.relayFailures.increment();
	}

}

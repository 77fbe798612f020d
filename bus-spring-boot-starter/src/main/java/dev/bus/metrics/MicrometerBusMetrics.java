package dev.bus.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.bus.BusPublishException;
import dev.bus.core.FailureReason;
import dev.bus.core.routing.RoutingRule;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.ListenerObserver;
import dev.bus.outbox.OutboxObserver;
import dev.bus.publisher.PublisherObserver;
import dev.bus.routing.RoutingObserver;

/**
 * Bus metrics in Micrometer.
 * <ul>
 * <li>{@code bus.publisher.messages} counter, tags {@code topic}, {@code outcome} = published | confirmed |
 * returned | nacked | failed | rejected, {@code reason};</li>
 * <li>{@code bus.listener.messages} counter, tags {@code topic}, {@code group}, {@code listener}, {@code outcome} =
 * consumed | filtered | duplicate | retried | failed, {@code reason};</li>
 * <li>{@code bus.listener.handler.duration} timer, tags {@code topic}, {@code group}, {@code listener},
 * {@code outcome} = success | error;</li>
 * <li>{@code bus.outbox.relay.latency} timer (outbox write to broker confirm), tag {@code topic}, and
 * {@code bus.outbox.relay.failures} counter.</li>
 * </ul>
 * Each meter is registered once and kept, so a message costs a map lookup and an increment, not a meter
 * lookup in the registry. The {@code topic} tag is bounded ({@link TopicTags}).
 */
public class MicrometerBusMetrics implements PublisherObserver, ListenerObserver, OutboxObserver, RoutingObserver {

	private static final String NONE = "none";

	private final MeterRegistry registry;

	private final TopicTags topics;

	private final Map<String, Counter> publisherCounters = new ConcurrentHashMap<>();

	private final Map<String, Counter> listenerCounters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, Counter> routingCounters = new ConcurrentHashMap<>();

	private final Counter relayFailures;

	/**
	 * @param registry where meters go
	 * @param maxTopics distinct {@code topic} tag values before further topics are tagged {@code other}
	 */
	public MicrometerBusMetrics(MeterRegistry registry, int maxTopics) {
		this.registry = registry;
		this.topics = new TopicTags(maxTopics);
		this.relayFailures = Counter.builder("bus.outbox.relay.failures")
			.description("Outbox relay passes that failed (database or broker unreachable)")
			.register(registry);
	}

	/** {@code bus.routing.routed}, by rule set, rule and action: bounded by the rules, not by the messages. */
	@Override
	public void routed(String ruleSet, String rule, RoutingRule.Action action) {
		String actionTag = action.name().toLowerCase(Locale.ROOT);
		this.routingCounters.computeIfAbsent(ruleSet + '/' + rule + '/' + actionTag, (key) -> Counter
			.builder("bus.routing.routed")
			.description("Messages a routing rule sent elsewhere, copied or rejected")
			.tag("rule-set", ruleSet)
			.tag("rule", rule)
			.tag("action", actionTag)
			.register(this.registry)).increment();
	}

	@Override
	public void published(String topic) {
		publisherCounter(topic, "published", NONE).increment();
	}

	@Override
	public void confirmed(String topic) {
		publisherCounter(topic, "confirmed", NONE).increment();
	}

	@Override
	public void failed(String topic, BusPublishException error) {
		String outcome = switch (error.getReason()) {
			case UNROUTABLE -> "returned";
			case NACKED -> "nacked";
			case REJECTED -> "rejected";
			default -> "failed";
		};
		publisherCounter(topic, outcome, error.getReason().name().toLowerCase(Locale.ROOT)).increment();
	}

	@Override
	public void consumed(BusListenerDefinition listener, String topic, long nanos) {
		listenerCounter(listener, topic, "consumed", NONE).increment();
		handlerTimer(listener, topic, "success").record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void duplicate(BusListenerDefinition listener, String topic) {
		listenerCounter(listener, topic, "duplicate", NONE).increment();
	}

	@Override
	public void filtered(BusListenerDefinition listener, String topic) {
		listenerCounter(listener, topic, "filtered", NONE).increment();
	}

	@Override
	public void retried(BusListenerDefinition listener, String topic, int attempt, long nanos) {
		listenerCounter(listener, topic, "retried", FailureReason.HANDLER_FAILED.code()).increment();
		handlerTimer(listener, topic, "error").record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void failed(BusListenerDefinition listener, String topic, String reason, long nanos) {
		listenerCounter(listener, topic, "failed", reason).increment();
		if (FailureReason.HANDLER_FAILED.code().equals(reason)) {
			handlerTimer(listener, topic, "error").record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void relayed(String topic, Duration latency) {
		String tag = this.topics.tag(topic);
		this.timers.computeIfAbsent("relay\0" + tag, (key) -> Timer.builder("bus.outbox.relay.latency")
			.description("Time from the outbox write to the broker's confirm of the relayed message")
			.tag("topic", tag)
			.register(this.registry)).record(latency);
	}

	@Override
	public void passFailed(RuntimeException error) {
		this.relayFailures.increment();
	}

	private Counter publisherCounter(String topic, String outcome, String reason) {
		String tag = this.topics.tag(topic);
		return this.publisherCounters.computeIfAbsent(key(tag, outcome, reason),
				(key) -> Counter.builder("bus.publisher.messages")
					.description("Messages published, by outcome")
					.tag("topic", tag)
					.tag("outcome", outcome)
					.tag("reason", reason)
					.register(this.registry));
	}

	private Counter listenerCounter(BusListenerDefinition listener, String topic, String outcome, String reason) {
		String tag = this.topics.tag(topic);
		return this.listenerCounters.computeIfAbsent(key(listener.id(), tag, outcome, reason),
				(key) -> Counter.builder("bus.listener.messages")
					.description("Messages delivered to listeners, by outcome")
					.tag("topic", tag)
					.tag("group", listener.group())
					.tag("listener", listener.id())
					.tag("outcome", outcome)
					.tag("reason", reason)
					.register(this.registry));
	}

	private Timer handlerTimer(BusListenerDefinition listener, String topic, String outcome) {
		String tag = this.topics.tag(topic);
		return this.timers.computeIfAbsent(key("handler", listener.id(), tag, outcome),
				(key) -> Timer.builder("bus.listener.handler.duration")
					.description("Time spent in listener methods")
					.tag("topic", tag)
					.tag("group", listener.group())
					.tag("listener", listener.id())
					.tag("outcome", outcome)
					.register(this.registry));
	}

	/** Tag values never contain NUL, so joining with it keeps keys distinct. */
	private static String key(String... parts) {
		return String.join("\0", parts);
	}

}

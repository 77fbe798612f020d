package dev.bus.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.bus.BusPublishException;
import dev.bus.core.FailureReason;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.ListenerObserver;
import dev.bus.outbox.OutboxObserver;
import dev.bus.publisher.PublisherObserver;

/**
 * Bus metrics in Micrometer.
 * <ul>
 * <li>{@code bus.publisher.messages} counter, tags {@code topic}, {@code outcome} = published | confirmed |
 * returned | nacked | failed (failed carries {@code reason});</li>
 * <li>{@code bus.listener.messages} counter, tags {@code topic}, {@code group}, {@code listener}, {@code outcome} =
 * consumed | filtered | duplicate | retried | failed (failed carries {@code reason});</li>
 * <li>{@code bus.listener.handler.duration} timer, tags {@code topic}, {@code group}, {@code listener},
 * {@code outcome} = success | error;</li>
 * <li>{@code bus.outbox.relay.latency} timer (outbox write to broker confirm), tag {@code topic}, and
 * {@code bus.outbox.relay.failures} counter.</li>
 * </ul>
 */
public class MicrometerBusMetrics implements PublisherObserver, ListenerObserver, OutboxObserver {

	private final MeterRegistry registry;

	public MicrometerBusMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void published(String topic) {
		publisherCounter(topic, "published", "none").increment();
	}

	@Override
	public void confirmed(String topic) {
		publisherCounter(topic, "confirmed", "none").increment();
	}

	@Override
	public void failed(String topic, BusPublishException error) {
		String outcome = switch (error.getReason()) {
			case UNROUTABLE -> "returned";
			case NACKED -> "nacked";
			default -> "failed";
		};
		publisherCounter(topic, outcome, error.getReason().name().toLowerCase(java.util.Locale.ROOT)).increment();
	}

	@Override
	public void consumed(BusListenerDefinition listener, String topic, long nanos) {
		listenerCounter(listener, topic, "consumed", "none").increment();
		handlerTimer(listener, topic, "success").record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void duplicate(BusListenerDefinition listener, String topic) {
		listenerCounter(listener, topic, "duplicate", "none").increment();
	}

	@Override
	public void filtered(BusListenerDefinition listener, String topic) {
		listenerCounter(listener, topic, "filtered", "none").increment();
	}

	@Override
	public void retried(BusListenerDefinition listener, String topic, int attempt, long nanos) {
		listenerCounter(listener, topic, "retried", "handler-failed").increment();
		handlerTimer(listener, topic, "error").record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void failed(BusListenerDefinition listener, String topic, FailureReason reason, long nanos) {
		listenerCounter(listener, topic, "failed", reason.code()).increment();
		if (reason == FailureReason.HANDLER_FAILED) {
			handlerTimer(listener, topic, "error").record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void relayed(String topic, java.time.Duration latency) {
		Timer.builder("bus.outbox.relay.latency")
			.description("Time from the outbox write to the broker's confirm of the relayed message")
			.tag("topic", topic)
			.register(this.registry)
			.record(latency);
	}

	@Override
	public void passFailed(RuntimeException error) {
		Counter.builder("bus.outbox.relay.failures")
			.description("Outbox relay passes that failed (database or broker unreachable)")
			.register(this.registry)
			.increment();
	}

	private Counter publisherCounter(String topic, String outcome, String reason) {
		return Counter.builder("bus.publisher.messages")
			.description("Messages published, by outcome")
			.tag("topic", topic)
			.tag("outcome", outcome)
			.tag("reason", reason)
			.register(this.registry);
	}

	private Counter listenerCounter(BusListenerDefinition listener, String topic, String outcome, String reason) {
		return Counter.builder("bus.listener.messages")
			.description("Messages delivered to listeners, by outcome")
			.tag("topic", topic)
			.tag("group", listener.group())
			.tag("listener", listener.id())
			.tag("outcome", outcome)
			.tag("reason", reason)
			.register(this.registry);
	}

	private Timer handlerTimer(BusListenerDefinition listener, String topic, String outcome) {
		return Timer.builder("bus.listener.handler.duration")
			.description("Time spent in listener methods")
			.tag("topic", topic)
			.tag("group", listener.group())
			.tag("listener", listener.id())
			.tag("outcome", outcome)
			.register(this.registry);
	}

}

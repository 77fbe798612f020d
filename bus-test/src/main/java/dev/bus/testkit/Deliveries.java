package dev.bus.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.bus.DeliveryOutcome;
import dev.bus.core.TopicPattern;

/**
 * Deliveries of messages on a topic (a pattern with {@code *} and {@code #} works) to the
 * application's listeners that ended one way (consumed, dead-lettered...): what is there
 * now, or what a test awaits. Narrow with {@link #withReason} and {@link #byListener}.
 */
public final class Deliveries {

	private final Recordings<Delivery> recordings;

	private final String topic;

	private final TopicPattern pattern;

	private final Set<DeliveryOutcome.Kind> kinds;

	private final String reason;

	private final String listener;

	private final Duration timeout;

	Deliveries(Recordings<Delivery> recordings, String topic, Set<DeliveryOutcome.Kind> kinds, String reason,
			String listener, Duration timeout) {
		this.recordings = recordings;
		this.topic = topic;
		this.pattern = TopicPattern.of(topic);
		this.kinds = kinds;
		this.reason = reason;
		this.listener = listener;
		this.timeout = timeout;
	}

	/**
	 * Only those that ended for this reason: a dead-letter reason
	 * ({@code handler-failed}, {@code forbidden}, {@code unauthenticated},
	 * {@code malformed-payload}...), {@code filtered} or {@code duplicate}.
	 */
	public Deliveries withReason(String reason) {
		return new Deliveries(this.recordings, this.topic, this.kinds, reason, this.listener, this.timeout);
	}

	/** Only those to the listener with this id. */
	public Deliveries byListener(String listenerId) {
		return new Deliveries(this.recordings, this.topic, this.kinds, this.reason, listenerId, this.timeout);
	}

	/** The same deliveries, awaited up to {@code timeout} instead. */
	public Deliveries within(Duration timeout) {
		return new Deliveries(this.recordings, this.topic, this.kinds, this.reason, this.listener, timeout);
	}

	/**
	 * Waits for the first such delivery.
	 * @throws AssertionError when none comes in time, saying which deliveries there were
	 * instead
	 */
	public Delivery await() {
		return await(1).get(0);
	}

	/** Waits for the first {@code count} such deliveries. */
	public List<Delivery> await(int count) {
		return this.recordings.await(this::matches, count, this.timeout, () -> "Expected " + count + " " + this,
				Deliveries::describe);
	}

	/** Such deliveries so far (none awaited). */
	public List<Delivery> list() {
		return this.recordings.snapshot().stream().filter(this::matches).toList();
	}

	private boolean matches(Delivery delivery) {
		return this.pattern.matches(delivery.topic()) && this.kinds.contains(delivery.kind())
				&& (this.reason == null || Objects.equals(this.reason, delivery.reason()))
				&& (this.listener == null || this.listener.equals(delivery.listener()));
	}

	@Override
	public String toString() {
		StringBuilder what = new StringBuilder("delivery(ies) on '").append(this.topic).append("'");
		if (this.listener != null) {
			what.append(" to ").append(this.listener);
		}
		what.append(" ").append(String.join(" or ", this.kinds.stream().map(Delivery::kindName).sorted().toList()));
		if (this.reason != null) {
			what.append(" with reason '").append(this.reason).append("'");
		}
		return what.toString();
	}

	/** Topics, listeners and outcomes with their counts, in the order first seen. */
	static String describe(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return "Nothing was delivered.";
		}
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			String outcome = Delivery.kindName(delivery.kind())
					+ ((delivery.reason() != null) ? " (" + delivery.reason() + ")" : "");
			counts.merge(delivery.topic() + " -> " + delivery.listener() + ": " + outcome, 1, Integer::sum);
		}
		StringBuilder seen = new StringBuilder("Deliveries:");
		counts.forEach((what, count) -> seen.append("\n  ").append(what).append(" x").append(count));
		return seen.toString();
	}

}

package dev.bus.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.bus.BusPublishException;
import dev.bus.core.TopicPattern;

/**
 * The messages the application published, confirmed by the broker, on a topic (a pattern
 * with {@code *} and {@code #} works) and of a payload type: what is there now, or what a
 * test awaits.
 *
 * @param <T> the payload's type
 */
public final class PublishedMessages<T> {

	private final Recordings<PublishedMessage<Object>> recordings;

	private final String topic;

	private final TopicPattern pattern;

	private final Class<T> type;

	private final Predicate<? super T> condition;

	private final Duration timeout;

	PublishedMessages(Recordings<PublishedMessage<Object>> recordings, String topic, Class<T> type,
			Predicate<? super T> condition, Duration timeout) {
		this.recordings = recordings;
		this.topic = topic;
		this.pattern = TopicPattern.of(topic);
		this.type = type;
		this.condition = condition;
		this.timeout = timeout;
	}

	/** Only the messages whose payload meets the condition. */
	public PublishedMessages<T> where(Predicate<? super T> condition) {
		Predicate<? super T> current = this.condition;
		return new PublishedMessages<>(this.recordings, this.topic, this.type,
				(payload) -> current.test(payload) && condition.test(payload), this.timeout);
	}

	/** The same messages, awaited up to {@code timeout} instead. */
	public PublishedMessages<T> within(Duration timeout) {
		return new PublishedMessages<>(this.recordings, this.topic, this.type, this.condition, timeout);
	}

	/**
	 * Waits for the first such message and returns its payload.
	 * @throws AssertionError when none comes in time, saying what was published instead
	 */
	public T await() {
		return awaitMessage().payload();
	}

	/** Waits for the first such message. */
	public PublishedMessage<T> awaitMessage() {
		return awaitMessages(1).get(0);
	}

	/** Waits for the first {@code count} such messages and returns their payloads. */
	public List<T> await(int count) {
		return awaitMessages(count).stream().map(PublishedMessage::payload).toList();
	}

	/** Waits for the first {@code count} such messages. */
	public List<PublishedMessage<T>> awaitMessages(int count) {
		return this.recordings
			.await(this::matches, count, this.timeout,
					() -> "Expected " + count + " message(s) published on '" + this.topic + "' as "
							+ this.type.getSimpleName(),
					PublishedMessages::describe)
			.stream()
			.map(this::typed)
			.toList();
	}

	/** Such messages published so far (none awaited). */
	public List<PublishedMessage<T>> messages() {
		return this.recordings.snapshot().stream().filter(this::matches).map(this::typed).toList();
	}

	private boolean matches(PublishedMessage<Object> message) {
		return message.confirmed() && this.pattern.matches(message.topic()) && this.type.isInstance(message.payload())
				&& this.condition.test(this.type.cast(message.payload()));
	}

	private PublishedMessage<T> typed(PublishedMessage<Object> message) {
		return new PublishedMessage<>(message.topic(), message.messageId(), this.type.cast(message.payload()),
				message.headers(), message.error());
	}

	/** Topics, payload types and outcomes with their counts, in the order first seen. */
	static String describe(List<PublishedMessage<Object>> published) {
		if (published.isEmpty()) {
			return "Nothing was published.";
		}
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (PublishedMessage<Object> message : published) {
			String outcome = message.confirmed() ? "confirmed" : "failed: " + reason(message.error());
			counts.merge(message.topic() + " (" + message.payload().getClass().getSimpleName() + ", " + outcome + ")",
					1, Integer::sum);
		}
		StringBuilder seen = new StringBuilder("Published:");
		counts.forEach((what, count) -> seen.append("\n  ").append(what).append(" x").append(count));
		return seen.toString();
	}

	private static String reason(Throwable error) {
		Throwable cause = (error.getCause() != null && !(error instanceof BusPublishException)) ? error.getCause()
				: error;
		return (cause instanceof BusPublishException publish) ? publish.getReason().name()
				: cause.getClass().getSimpleName();
	}

}

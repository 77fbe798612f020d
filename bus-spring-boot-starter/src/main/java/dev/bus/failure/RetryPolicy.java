package dev.bus.failure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How a listener retries a failed message: how many attempts in all, the backoff before
 * each retry, and which exceptions are worth retrying. Delays are served by the broker
 * (one delay queue per distinct delay), so a message waiting for its next attempt never
 * holds a consumer thread.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 * @param delays {@code delays.get(n - 1)} is the wait after failed attempt {@code n}
 * @param retryFor when not empty, only these exceptions (or their subclasses, anywhere in
 * the cause chain) retry
 * @param noRetryFor these exceptions (or their subclasses, anywhere in the cause chain)
 * never retry
 */
public record RetryPolicy(int maxAttempts, List<Duration> delays, List<Class<? extends Throwable>> retryFor,
		List<Class<? extends Throwable>> noRetryFor) {

	/** No retries: a failure is dead-lettered at once. */
	public static final RetryPolicy NONE = new RetryPolicy(1, List.of(), List.of(), List.of());

	public RetryPolicy {
		delays = List.copyOf(delays);
		retryFor = List.copyOf(retryFor);
		noRetryFor = List.copyOf(noRetryFor);
	}

	/**
	 * Exponential backoff: {@code initial}, then multiplied by {@code multiplier} after
	 * each attempt, capped at {@code max}, rounded to whole milliseconds.
	 */
	public static RetryPolicy exponential(int maxAttempts, Duration initial, double multiplier, Duration max,
			List<Class<? extends Throwable>> retryFor, List<Class<? extends Throwable>> noRetryFor) {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
		}
		if (multiplier < 1.0) {
			throw new IllegalArgumentException("backoff multiplier must be at least 1, was " + multiplier);
		}
		List<Duration> delays = new ArrayList<>();
		double millis = initial.toMillis();
		for (int attempt = 1; attempt < maxAttempts; attempt++) {
			delays.add(Duration.ofMillis(Math.max(1, Math.min(Math.round(millis), max.toMillis()))));
			millis *= multiplier;
		}
		return new RetryPolicy(maxAttempts, delays, retryFor, noRetryFor);
	}

	/**
	 * Whether a message whose attempt {@code attempt} failed with {@code error} gets
	 * another attempt.
	 */
	public boolean shouldRetry(int attempt, Throwable error) {
		if (attempt >= this.maxAttempts || matches(this.noRetryFor, error)) {
			return false;
		}
		return this.retryFor.isEmpty() || matches(this.retryFor, error);
	}

	/** The wait after failed attempt {@code attempt}. */
	public Duration delayAfter(int attempt) {
		return this.delays.get(Math.min(attempt, this.delays.size()) - 1);
	}

	/** The distinct delays: one delay queue each. */
	public SortedSet<Duration> levels() {
		return new TreeSet<>(this.delays);
	}

	private static boolean matches(List<Class<? extends Throwable>> types, Throwable error) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			for (Class<? extends Throwable> type : types) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

}

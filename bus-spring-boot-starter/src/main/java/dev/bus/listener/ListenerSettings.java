package dev.bus.listener;

import java.time.Duration;
import java.util.List;

/**
 * The defaults every {@code @BusListener} starts from and the container settings they all
 * share, as the auto-configuration maps them from {@code bus.listener.*} (the listener
 * package never reads properties itself).
 *
 * @param directContainer spring-amqp's direct container (else the simple one)
 * @param group default group; {@code null} for {@code spring.application.name}
 * @param concurrency default consumers per listener, {@code "n"} or {@code "min-max"}
 * @param prefetch default unacknowledged deliveries per consumer
 * @param recoveryInterval how long a consumer that cannot connect waits before trying
 * again
 * @param ackTimeout longest a settled delivery waits for its coalesced ack (direct
 * container)
 * @param messagesPerAck most settled deliveries per coalesced ack (direct container)
 * @param shutdownTimeout how long in-flight handlers may finish on stop
 * @param retry default retry policy
 * @param pauseWhenDown health indicators whose DOWN pauses every listener
 */
public record ListenerSettings(boolean directContainer, String group, String concurrency, int prefetch,
		Duration recoveryInterval, Duration ackTimeout, int messagesPerAck, Duration shutdownTimeout, Retry retry,
		List<String> pauseWhenDown) {

	/**
	 * Default retries of a failing handler.
	 *
	 * @param maxAttempts attempts in all, the first included
	 * @param initialInterval delay before the second attempt
	 * @param multiplier growth of the delay per attempt
	 * @param maxInterval longest delay
	 * @param retryable exceptions retried (empty: all but the not-retryable ones)
	 * @param notRetryable exceptions dead-lettered at once
	 */
	public record Retry(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval,
			List<Class<? extends Throwable>> retryable, List<Class<? extends Throwable>> notRetryable) {
	}

}

package dev.bus.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

import dev.bus.listener.BusListenerRegistry;

import static dev.bus.autoconfigure.PropertyChecks.atLeast;
import static dev.bus.autoconfigure.PropertyChecks.positive;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/**
 * Defaults for every {@code @BusListener}; annotation attributes override them per
 * listener.
 */
public class ListenerProperties {

	/**
	 * Whether {@code @BusListener} methods are registered and consume.
	 */
	private boolean enabled = true;

	/**
	 * Default listener group; defaults to {@code spring.application.name}.
	 */
	private String group;

	/**
	 * Consumers per listener and instance: a number ("3") or a range ("2-6").
	 */
	private String concurrency = "1";

	/**
	 * Unacknowledged messages per consumer.
	 */
	private int prefetch = 250;

	/**
	 * Type of the durable group queues, dead-letter queues and retry delay queues.
	 */
	private QueueType queueType = QueueType.QUORUM;

	/**
	 * spring-amqp listener container: {@code direct} (the handler runs on the thread that
	 * receives the delivery, no handoff, acks coalesced; a concurrency range runs its
	 * maximum, idle consumers hold no thread) or {@code simple} (a thread per consumer, a
	 * concurrency range scales between its bounds).
	 */
	private ContainerType containerType = ContainerType.DIRECT;

	/**
	 * Direct container only: settled messages acknowledged together in one multiple-ack,
	 * at most half the prefetch. 1 acknowledges every message on its own.
	 */
	private int messagesPerAck = 50;

	/**
	 * Direct container only: longest time a settled message waits for its coalesced ack.
	 */
	private Duration ackTimeout = Duration.ofMillis(100);

	/**
	 * Quorum queues only: deliveries of one message (redeliveries after a consumer crash
	 * included) after which the broker dead-letters it, so a message that crashes its
	 * consumer cannot loop for ever.
	 */
	private int deliveryLimit = 20;

	/**
	 * Largest message body a listener accepts; larger ones are dead-lettered without
	 * being decoded.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * On shutdown, how long in-flight messages may take to finish before their channels
	 * are closed and the broker requeues them.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Health indicators (by name: db, pricing) every listener depends on: while any is
	 * DOWN or OUT_OF_SERVICE the listeners stop taking deliveries, finishing those in
	 * flight, and resume when they are up again.
	 */
	private List<String> pauseWhenDown = new ArrayList<>();

	/** How often the health indicators listeners depend on are checked. */
	private Duration healthCheckInterval = Duration.ofSeconds(1);

	/**
	 * How often a listener retries to consume while the broker is unreachable.
	 */
	private Duration recoveryInterval = Duration.ofSeconds(2);

	public List<String> getPauseWhenDown() {
		return this.pauseWhenDown;
	}

	public void setPauseWhenDown(List<String> pauseWhenDown) {
		this.pauseWhenDown = pauseWhenDown;
	}

	public Duration getHealthCheckInterval() {
		return this.healthCheckInterval;
	}

	public void setHealthCheckInterval(Duration healthCheckInterval) {
		this.healthCheckInterval = healthCheckInterval;
	}

	/**
	 * Longest exception message written to a dead letter's failure headers; longer ones
	 * are cut.
	 */
	private int failureMessageMaxLength = 1000;

	private final Retry retry = new Retry();

	public Retry getRetry() {
		return this.retry;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getGroup() {
		return this.group;
	}

	public void setGroup(String group) {
		this.group = group;
	}

	public String getConcurrency() {
		return this.concurrency;
	}

	public int getMessagesPerAck() {
		return this.messagesPerAck;
	}

	public void setMessagesPerAck(int messagesPerAck) {
		this.messagesPerAck = messagesPerAck;
	}

	public Duration getAckTimeout() {
		return this.ackTimeout;
	}

	public void setAckTimeout(Duration ackTimeout) {
		this.ackTimeout = ackTimeout;
	}

	public void setConcurrency(String concurrency) {
		this.concurrency = concurrency;
	}

	public int getPrefetch() {
		return this.prefetch;
	}

	public void setPrefetch(int prefetch) {
		this.prefetch = prefetch;
	}

	public QueueType getQueueType() {
		return this.queueType;
	}

	public void setQueueType(QueueType queueType) {
		this.queueType = queueType;
	}

	public ContainerType getContainerType() {
		return this.containerType;
	}

	public void setContainerType(ContainerType containerType) {
		this.containerType = containerType;
	}

	public int getDeliveryLimit() {
		return this.deliveryLimit;
	}

	public void setDeliveryLimit(int deliveryLimit) {
		this.deliveryLimit = deliveryLimit;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getRecoveryInterval() {
		return this.recoveryInterval;
	}

	public void setRecoveryInterval(Duration recoveryInterval) {
		this.recoveryInterval = recoveryInterval;
	}

	public int getFailureMessageMaxLength() {
		return this.failureMessageMaxLength;
	}

	public void setFailureMessageMaxLength(int failureMessageMaxLength) {
		this.failureMessageMaxLength = failureMessageMaxLength;
	}

	/** Checks the values at binding time, under {@code bus.listener}. */
	void validate(Errors errors) {
		try {
			BusListenerRegistry.Concurrency.parse(getConcurrency());
		}
		catch (IllegalArgumentException ex) {
			reject(errors, "concurrency", "format", ex.getMessage());
		}
		atLeast(errors, "prefetch", getPrefetch(), 1);
		atLeast(errors, "deliveryLimit", getDeliveryLimit(), 1);
		atLeast(errors, "failureMessageMaxLength", getFailureMessageMaxLength(), 0);
		positive(errors, "maxMessageSize", getMaxMessageSize());
		positive(errors, "recoveryInterval", getRecoveryInterval());
		positive(errors, "healthCheckInterval", getHealthCheckInterval());
		atLeast(errors, "messagesPerAck", getMessagesPerAck(), 1);
		positive(errors, "ackTimeout", getAckTimeout());
		Retry retry = getRetry();
		atLeast(errors, "retry.maxAttempts", retry.getMaxAttempts(), 1);
		positive(errors, "retry.initialInterval", retry.getInitialInterval());
		positive(errors, "retry.maxInterval", retry.getMaxInterval());
		if (retry.getMultiplier() < 1.0) {
			reject(errors, "retry.multiplier", "min", "must be at least 1");
		}
		if (getShutdownTimeout() == null || getShutdownTimeout().isNegative()) {
			reject(errors, "shutdownTimeout", "negative", "must not be negative");
		}
	}

	/**
	 * Retries of failed messages, served by broker-side delay queues so a message in
	 * backoff never holds a consumer thread. Bad input (malformed, oversize, ...) is
	 * never retried.
	 */
	public static class Retry {

		/**
		 * Attempts in all, the first included; 1 turns retries off.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the second attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the wait after each further attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(1);

		/**
		 * Exceptions that retry (fully-qualified class names; subclasses and causes
		 * match). Empty means every exception except those in not-retryable.
		 */
		private List<Class<? extends Throwable>> retryable = new ArrayList<>();

		/**
		 * Exceptions that go straight to the dead-letter queue (fully-qualified class
		 * names; subclasses and causes match).
		 */
		private List<Class<? extends Throwable>> notRetryable = new ArrayList<>();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public List<Class<? extends Throwable>> getRetryable() {
			return this.retryable;
		}

		public void setRetryable(List<Class<? extends Throwable>> retryable) {
			this.retryable = retryable;
		}

		public List<Class<? extends Throwable>> getNotRetryable() {
			return this.notRetryable;
		}

		public void setNotRetryable(List<Class<? extends Throwable>> notRetryable) {
			this.notRetryable = notRetryable;
		}

	}

	/** The spring-amqp listener container that runs {@code @BusListener} methods. */
	public enum ContainerType {

		/** {@code SimpleMessageListenerContainer}. */
		SIMPLE,
		/** {@code DirectMessageListenerContainer}. */
		DIRECT

	}

	/** Queue type for durable group queues. */
	public enum QueueType {

		/** Replicated quorum queues, with a delivery limit. */
		QUORUM,
		/** Classic queues. */
		CLASSIC

	}

}

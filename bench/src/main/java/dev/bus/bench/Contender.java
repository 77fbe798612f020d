package dev.bus.bench;

/**
 * One way of moving messages from a publisher to a consumer, measured on the same broker
 * as the others.
 */
interface Contender {

	String name();

	/**
	 * Whether this contender takes part in {@code scenario} (E is the outbox's alone, R
	 * request-reply's).
	 */
	default boolean supports(Scenario scenario) {
		return scenario != Scenario.E_OUTBOX && scenario != Scenario.D_TRACING && scenario != Scenario.R_REQUEST_REPLY;
	}

	/** Sends {@code messages} messages and returns once the consumer has them all. */
	Measurement run(Scenario scenario, int messages) throws Exception;

	/**
	 * Upper bound of unconfirmed publishes, as in RabbitMQ PerfTest's
	 * {@code --confirm 200}.
	 */
	int IN_FLIGHT = 200;

	/** Unacknowledged messages per consumer. */
	int PREFETCH = 250;

	/**
	 * For the contenders that use no database (the bench has a JDBC driver on its
	 * classpath for E).
	 */
	String NO_DATABASE = "spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	/** Payload size in bytes. */
	int PAYLOAD_BYTES = 256;

	/**
	 * Waits until {@code nanoTime} reaches the send slot of message {@code index} at
	 * {@code rate} per second.
	 */
	static void pace(long start, int index, int rate) {
		if (rate <= 0) {
			return;
		}
		long due = start + index * 1_000_000_000L / rate;
		long now;
		while ((now = System.nanoTime()) < due) {
			java.util.concurrent.locks.LockSupport.parkNanos(due - now);
		}
	}

}

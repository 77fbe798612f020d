package dev.bus.outbox;

import java.time.Duration;

/**
 * Receives outbox relay outcomes, for metrics.
 */
public interface OutboxObserver {

	/** Ignores everything. */
	OutboxObserver NONE = new OutboxObserver() {
	};

	/** A row was confirmed by the broker {@code latency} after its transaction wrote it. */
	default void relayed(String topic, Duration latency) {
	}

	/** A relay pass failed (database or broker unreachable). */
	default void passFailed(RuntimeException error) {
	}

}

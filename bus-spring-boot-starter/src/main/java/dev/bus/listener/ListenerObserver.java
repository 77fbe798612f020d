package dev.bus.listener;

import dev.bus.core.FailureReason;

/**
 * Receives delivery outcomes, for metrics.
 */
public interface ListenerObserver {

	/** Ignores everything. */
	ListenerObserver NONE = new ListenerObserver() {
	};

	/** The handler returned normally after {@code nanos}. */
	default void consumed(BusListenerDefinition listener, String topic, long nanos) {
	}

	/** The inbox skipped the message: it was processed before. */
	default void duplicate(BusListenerDefinition listener, String topic) {
	}

	/** The filter skipped the message. */
	default void filtered(BusListenerDefinition listener, String topic) {
	}

	/** The handler failed attempt {@code attempt} after {@code nanos}; the message waits for its next attempt. */
	default void retried(BusListenerDefinition listener, String topic, int attempt, long nanos) {
	}

	/** The message was dead-lettered; {@code nanos} is the handler time, 0 if it never ran. */
	default void failed(BusListenerDefinition listener, String topic, FailureReason reason, long nanos) {
	}

}

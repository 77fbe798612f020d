package dev.bus.listener;

import java.util.List;

/**
 * Receives delivery outcomes, for metrics.
 */
public interface ListenerObserver {

	/** Ignores everything. */
	ListenerObserver NONE = new ListenerObserver() {
	};

	/** One observer telling all of {@code observers}, in order; {@link #NONE} for none. */
	static ListenerObserver composite(List<? extends ListenerObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		List<ListenerObserver> all = List.copyOf(observers);
		return new ListenerObserver() {

			@Override
			public void consumed(BusListenerDefinition listener, String topic, long nanos) {
				all.forEach((observer) -> observer.consumed(listener, topic, nanos));
			}

			@Override
			public void duplicate(BusListenerDefinition listener, String topic) {
				all.forEach((observer) -> observer.duplicate(listener, topic));
			}

			@Override
			public void filtered(BusListenerDefinition listener, String topic) {
				all.forEach((observer) -> observer.filtered(listener, topic));
			}

			@Override
			public void retried(BusListenerDefinition listener, String topic, int attempt, long nanos) {
				all.forEach((observer) -> observer.retried(listener, topic, attempt, nanos));
			}

			@Override
			public void failed(BusListenerDefinition listener, String topic, String reason, long nanos) {
				all.forEach((observer) -> observer.failed(listener, topic, reason, nanos));
			}

		};
	}

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

	/**
	 * The message was dead-lettered for {@code reason} (a {@code FailureReason} code, or a receive post-processor's
	 * reason); {@code nanos} is the handler time, 0 if it never ran.
	 */
	default void failed(BusListenerDefinition listener, String topic, String reason, long nanos) {
	}

}

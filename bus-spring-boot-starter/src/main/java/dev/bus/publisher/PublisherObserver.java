package dev.bus.publisher;

import dev.bus.BusPublishException;

/**
 * Receives publish outcomes, for metrics.
 */
public interface PublisherObserver {

	/** Ignores everything. */
	PublisherObserver NONE = new PublisherObserver() {
	};

	/** A message was handed to the broker. */
	default void published(String topic) {
	}

	/** The broker confirmed a message. */
	default void confirmed(String topic) {
	}

	/** A message failed: before reaching the broker, or by nack, return, timeout or connection loss. */
	default void failed(String topic, BusPublishException error) {
	}

	/** Reports a future's outcome to {@link #confirmed} or {@link #failed}. */
	default void settled(String topic, Throwable error) {
		if (error == null) {
			confirmed(topic);
			return;
		}
		Throwable cause = (error instanceof java.util.concurrent.CompletionException && error.getCause() != null)
				? error.getCause() : error;
		if (cause instanceof BusPublishException publishError) {
			failed(topic, publishError);
		}
	}

}

package dev.bus.publisher;

import java.util.List;

import dev.bus.BusPublishException;

/**
 * Receives publish outcomes, for metrics.
 */
public interface PublisherObserver {

	/** Ignores everything. */
	PublisherObserver NONE = new PublisherObserver() {
	};

	/** One observer telling all of {@code observers}, in order; {@link #NONE} for none. */
	static PublisherObserver composite(List<? extends PublisherObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		List<PublisherObserver> all = List.copyOf(observers);
		return new PublisherObserver() {

			@Override
			public void published(String topic) {
				all.forEach((observer) -> observer.published(topic));
			}

			@Override
			public void confirmed(String topic) {
				all.forEach((observer) -> observer.confirmed(topic));
			}

			@Override
			public void failed(String topic, BusPublishException error) {
				all.forEach((observer) -> observer.failed(topic, error));
			}

		};
	}

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

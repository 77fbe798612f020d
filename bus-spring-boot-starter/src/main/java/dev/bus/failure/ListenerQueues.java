package dev.bus.failure;

import java.time.Duration;

import dev.bus.core.TopicPattern;

/**
 * What failure handling knows of a listener: where its messages arrive and where they
 * move when they fail. The listener's definition is one; this package names the queues
 * and the exchange a listener group's messages move through.
 */
public interface ListenerQueues {

	/** The listener's id, for messages and logs. */
	String id();

	/** The topic pattern the listener's queue is bound with. */
	TopicPattern topic();

	/** The listener group. */
	String group();

	/** The queue the listener consumes. */
	String queue();

	/** The listener's dead-letter queue. */
	String deadLetterQueue();

	/** When a failed message is tried again. */
	RetryPolicy retry();

	/**
	 * Name of the delay queue that holds messages for {@code delay} before returning them
	 * to the queue.
	 */
	default String retryQueue(Duration delay) {
		return queue() + ".retry." + delay.toMillis() + "ms";
	}

	/**
	 * Name of the group's direct exchange through which this application moves its own
	 * messages: to a delay queue, to the dead-letter queue, back to the queue on a
	 * replay. Only the group's own client may write to it (its scopes cover
	 * {@code <group>.*}), so a delivery through it, sent by this application's broker
	 * user, is one of the application's own moves.
	 */
	default String movesExchange() {
		return group() + ".moves";
	}

}

package dev.bus;

/**
 * How one delivery of a message ended.
 *
 * @param kind what happened
 * @param reason why it did not reach or pass the listener method ({@code filtered},
 * {@code duplicate}, or a dead-letter reason such as {@code handler-failed});
 * {@code null} when consumed
 * @param error the handler's or an element's exception, or {@code null}
 */
public record DeliveryOutcome(Kind kind, String reason, Throwable error) {

	/** What happened to a delivery. */
	public enum Kind {

		/** The listener method returned normally. */
		CONSUMED,
		/**
		 * It did not reach the listener method: filtered out, or a duplicate the inbox
		 * skipped.
		 */
		SKIPPED,
		/**
		 * The listener method failed; the message waits in a delay queue for another
		 * attempt.
		 */
		RETRIED,
		/** Moved to the dead-letter queue with {@link #reason()}. */
		DEAD_LETTERED,
		/**
		 * A request whose listener method failed: the requester got the error as its
		 * reply, and nothing is retried or dead-lettered (the requester decides what to
		 * do).
		 */
		ANSWERED_WITH_ERROR,
		/**
		 * A reply an element of the receive chain refused ({@link #reason()}): the
		 * request fails with that reason. A reply has no queue, so there is nothing to
		 * dead-letter.
		 */
		REFUSED

	}

}

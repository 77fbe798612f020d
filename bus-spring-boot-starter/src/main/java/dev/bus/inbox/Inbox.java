package dev.bus.inbox;

import java.lang.reflect.InvocationTargetException;

/**
 * Remembers which messages a consumer has processed successfully, so that redeliveries
 * (after a consumer crash, a lost ack or a publisher's resend) are acked and skipped
 * instead of handled twice. Used by listeners declared with
 * {@code @BusListener(idempotent = true)}.
 */
public interface Inbox {

	/**
	 * Runs the handler unless {@code consumer} has already processed {@code messageId};
	 * records the message as processed only when the handler returns normally.
	 * @param consumer the listener's queue: who processed it
	 * @param messageId the message's id
	 * @param handler the listener invocation
	 * @return {@code false} when the message was a duplicate and the handler did not run
	 * @throws InvocationTargetException what the handler threw; the message is then not
	 * recorded
	 */
	boolean process(String consumer, String messageId, Handler handler) throws InvocationTargetException;

	/** A listener invocation. */
	@FunctionalInterface
	interface Handler {

		void handle() throws InvocationTargetException;

	}

}

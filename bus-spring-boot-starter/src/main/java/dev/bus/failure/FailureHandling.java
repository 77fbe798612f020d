package dev.bus.failure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.DeliveryOutcome;
import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.LogValues;

/**
 * What becomes of a message its listener could not take: refused before the method ran
 * (bad input, no or a forbidden token, an untrusted origin), it is dead-lettered with the
 * reason; failed in the method, it is retried while the listener's {@link RetryPolicy}
 * says so, then dead-lettered. Either way the move is confirmed before it returns
 * ({@link MessageMoves}), so the caller may acknowledge the original.
 */
public class FailureHandling {

	private static final Log logger = LogFactory.getLog(FailureHandling.class);

	private final MessageMoves moves;

	public FailureHandling(MessageMoves moves) {
		this.moves = moves;
	}

	/**
	 * Which attempt a delivery is: counted by the application's own moves only, since a
	 * sender's {@code bus-attempt} header would skip its retries.
	 */
	public static int attemptOf(MessageProperties properties, DeliveryOrigin origin) {
		Object header = origin.moved() ? properties.getHeaders().get(BusHeaders.ATTEMPT) : null;
		try {
			return (header != null) ? Math.max(1, Integer.parseInt(header.toString())) : 1;
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	/**
	 * Dead-letters a message refused before its listener's method ran.
	 * @throws MessageMoves.NotStoredException when the dead letter was not confirmed
	 */
	public DeliveryOutcome refused(ListenerQueues listener, Message message, DeliveryOrigin origin, int attempt,
			String reason, Throwable error) {
		logger.warn("Dead-lettering message " + LogValues.escape(message.getMessageProperties().getMessageId())
				+ " (topic '" + LogValues.escape(origin.topic()) + "', group '" + listener.group() + "', listener '"
				+ listener.id() + "', attempt " + attempt + "): " + reason + ": "
				+ LogValues.escape(MessageMoves.failureMessage(message.getMessageProperties(), reason, error)));
		this.moves.deadLetter(listener, message, origin, attempt, reason, error);
		return new DeliveryOutcome(DeliveryOutcome.Kind.DEAD_LETTERED, reason, error);
	}

	/**
	 * Retries or dead-letters a message whose listener method threw {@code error}.
	 * @throws MessageMoves.NotStoredException when the move was not confirmed
	 */
	public DeliveryOutcome failed(ListenerQueues listener, Message message, DeliveryOrigin origin, int attempt,
			Throwable error) {
		String reason = FailureReason.HANDLER_FAILED.code();
		if (!listener.retry().shouldRetry(attempt, error)) {
			return refused(listener, message, origin, attempt, reason, error);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Attempt " + attempt + " of message "
					+ LogValues.escape(message.getMessageProperties().getMessageId()) + " failed in listener '"
					+ listener.id() + "'; retrying after " + listener.retry().delayAfter(attempt) + ": "
					+ error.getClass().getName() + ": " + LogValues.escape(MessageMoves
						.failureMessage(message.getMessageProperties(), FailureReason.HANDLER_FAILED.code(), error)));
		}
		this.moves.retry(listener, message, origin, attempt, error);
		return new DeliveryOutcome(DeliveryOutcome.Kind.RETRIED, reason, error);
	}

}

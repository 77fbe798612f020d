package dev.bus.observation;

import java.util.Locale;

import io.micrometer.observation.Observation;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;

/**
 * One delivery of a message to one listener, from its arrival to its outcome (consumed,
 * skipped, retried, dead-lettered or answered with an error), for
 * {@link BusObservation#DELIVERY}.
 */
public class BusDeliveryObservationContext extends Observation.Context {

	private final String listener;

	private final String group;

	private final String topic;

	private final String messageId;

	private final int attempt;

	private DeliveryOutcome outcome;

	private BusMessage<?> message;

	/**
	 * @param listener the listener's id
	 * @param group the listener's group
	 * @param topic the topic the message was published to
	 * @param messageId the message's id, or {@code null} for a message without one
	 * @param attempt 1 for the first delivery, more for retries
	 */
	public BusDeliveryObservationContext(String listener, String group, String topic, String messageId, int attempt) {
		this.listener = listener;
		this.group = group;
		this.topic = topic;
		this.messageId = messageId;
		this.attempt = attempt;
	}

	/** The listener's id. */
	public String listener() {
		return this.listener;
	}

	/** The listener's group. */
	public String group() {
		return this.group;
	}

	/** The topic the message was published to. */
	public String topic() {
		return this.topic;
	}

	/** The message's id, or {@code null} for a message without one. */
	public String messageId() {
		return this.messageId;
	}

	/** 1 for the first delivery, more for retries. */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * The message as the listener method gets it (decoded payload, headers), once it has
	 * been decoded; {@code null} for a message refused before that (by the receive chain,
	 * or as malformed).
	 */
	public BusMessage<?> message() {
		return this.message;
	}

	/** Records the message as the listener method gets it. */
	public void decoded(BusMessage<?> message) {
		this.message = message;
	}

	/** How the delivery ended; {@code null} until it has. */
	public DeliveryOutcome outcome() {
		return this.outcome;
	}

	/**
	 * The outcome's kind in lower case with dashes: {@code consumed}, {@code skipped},
	 * {@code dead-lettered}...; {@code pending} until it has ended.
	 */
	public String outcomeName() {
		return (this.outcome != null) ? this.outcome.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
				: "pending";
	}

	/** Records how the delivery ended. */
	public void settle(DeliveryOutcome outcome) {
		this.outcome = outcome;
		if (outcome.error() != null) {
			setError(outcome.error());
		}
	}

}

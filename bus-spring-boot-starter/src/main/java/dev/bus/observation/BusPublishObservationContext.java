package dev.bus.observation;

import java.util.Locale;
import java.util.concurrent.CompletionException;

import io.micrometer.observation.Observation;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;

/**
 * One publish, from the call to the broker's confirm (or the failure), for
 * {@link BusObservation#PUBLISH}.
 */
public class BusPublishObservationContext extends Observation.Context {

	/** The {@link #outcome()} of a publish still waiting for the broker. */
	public static final String PENDING = "pending";

	/** The {@link #outcome()} of a publish the broker confirmed. */
	public static final String CONFIRMED = "confirmed";

	/** The {@link #outcome()} of a publish that failed, for the {@link #reason()}. */
	public static final String FAILED = "failed";

	/** The {@link #reason()} of a confirmed publish. */
	public static final String NO_REASON = "none";

	private final OutboundMessage message;

	private String outcome = PENDING;

	private String reason = NO_REASON;

	/**
	 * @param message the message as published to its topic (after the routing rules: a
	 * redirected or copied message is on its new topic)
	 */
	public BusPublishObservationContext(OutboundMessage message) {
		this.message = message;
	}

	/** The topic published to. */
	public String topic() {
		return this.message.topic();
	}

	/** The message's id. */
	public String messageId() {
		return this.message.messageId();
	}

	/**
	 * The message as the application published it (payload, headers), on the topic it was
	 * published to.
	 */
	public OutboundMessage message() {
		return this.message;
	}

	/** {@value #PENDING}, then {@value #CONFIRMED} or {@value #FAILED}. */
	public String outcome() {
		return this.outcome;
	}

	/**
	 * Why it failed: a {@link BusPublishException.Reason} in lower case with dashes
	 * ({@code unroutable}, {@code nacked}, {@code rejected}, {@code forbidden}, ...),
	 * {@code error} for another exception, or {@value #NO_REASON}.
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * Records the publish's end: {@code error} is {@code null} when the broker confirmed
	 * it.
	 */
	public void settle(Throwable error) {
		if (error == null) {
			this.outcome = CONFIRMED;
			return;
		}
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		this.outcome = FAILED;
		this.reason = (cause instanceof BusPublishException publishError)
				? publishError.getReason().name().toLowerCase(Locale.ROOT).replace('_', '-') : "error";
		setError(cause);
	}

}

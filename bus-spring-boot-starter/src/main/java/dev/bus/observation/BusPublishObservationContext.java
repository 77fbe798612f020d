package dev.bus.observation;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.Propagator;
import io.micrometer.observation.transport.SenderContext;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;

/**
 * One publish, from the call to the broker's confirm (or the failure), for
 * {@link BusObservation#PUBLISH}. Micrometer's sender context: its carrier is the map of
 * headers a tracing handler writes the trace context into when the observation starts,
 * which Bus puts in the message's envelope before the publish chain runs and the envelope
 * is sealed.
 */
public class BusPublishObservationContext extends SenderContext<Map<String, Object>> {

	private static final Propagator.Setter<Map<String, Object>> PUT = Map::put;

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

	private final boolean reply;

	private int bodySize = -1;

	/**
	 * @param message the message as published to its topic (after the routing rules: a
	 * redirected or copied message is on its new topic)
	 */
	public BusPublishObservationContext(OutboundMessage message) {
		this(message, false);
	}

	/**
	 * @param message the message as published to its topic, or a reply on its request's
	 * topic
	 * @param reply whether it is a reply to a request this application received
	 */
	public BusPublishObservationContext(OutboundMessage message, boolean reply) {
		super(PUT, Kind.PRODUCER);
		this.message = message;
		this.reply = reply;
		setCarrier(new HashMap<>(4));
	}

	/**
	 * Whether it is this application's reply to a request it received (sent to the
	 * requester, on the request's topic).
	 */
	public boolean isReply() {
		return this.reply;
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

	/**
	 * The size of the body as sent, once the envelope is sealed; -1 before, or for a
	 * message refused before that.
	 */
	public int bodySize() {
		return this.bodySize;
	}

	/** Records the size of the body as sent, once the envelope is sealed. */
	public void sealed(int bodySize) {
		this.bodySize = bodySize;
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

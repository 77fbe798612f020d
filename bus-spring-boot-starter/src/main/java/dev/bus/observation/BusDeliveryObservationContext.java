package dev.bus.observation;

import java.util.Locale;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.Propagator;
import io.micrometer.observation.transport.ReceiverContext;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;

/**
 * One delivery of a message to one listener, from its arrival to its outcome (consumed,
 * skipped, retried, dead-lettered or answered with an error), for
 * {@link BusObservation#DELIVERY}; a reply to one of the application's requests is a
 * delivery to the listener {@value IncomingMessage#REPLY}. Micrometer's receiver context:
 * its carrier is the delivered headers, which a tracing handler reads the sender's trace
 * context from.
 */
public class BusDeliveryObservationContext extends ReceiverContext<Map<String, Object>> {

	/** AMQP delivers header strings as {@code LongString}. */
	private static final Propagator.Getter<Map<String, Object>> HEADER = (headers, name) -> {
		Object value = headers.get(name);
		return (value != null) ? value.toString() : null;
	};

	private final String listener;

	private final String group;

	private final String topic;

	private final String messageId;

	private final int attempt;

	private final String queue;

	private final int bodySize;

	private DeliveryOutcome outcome;

	private BusMessage<?> message;

	/**
	 * @param message the delivered message, before the receive chain: its listener,
	 * group, topic, id, attempt, queue, body size and headers
	 */
	public BusDeliveryObservationContext(IncomingMessage message) {
		super(HEADER, Kind.CONSUMER);
		this.listener = message.listenerId();
		this.group = message.group();
		this.topic = message.topic();
		this.messageId = message.messageId();
		this.attempt = message.attempt();
		this.queue = message.queue();
		this.bodySize = message.body().length;
		setCarrier(message.properties().getHeaders());
	}

	/** The listener's id. */
	public String listener() {
		return this.listener;
	}

	/** The listener's group; {@code null} for a reply. */
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

	/** The queue it was consumed from. */
	public String queue() {
		return this.queue;
	}

	/** The size of the body as delivered. */
	public int bodySize() {
		return this.bodySize;
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

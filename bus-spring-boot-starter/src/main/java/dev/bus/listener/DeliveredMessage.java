package dev.bus.listener;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.BusMessage;
import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.VerifiedPublisher;
import dev.bus.chain.OutcomeCallbacks;
import dev.bus.core.BusHeaders;
import dev.bus.core.CloudEventsHeaders;
import dev.bus.failure.DeliveryOrigin;

/**
 * One logical message on its way to a listener method, as the {@link ReceiveChain} sees
 * it: the delivery, the body an element may have replaced, and the elements' outcome
 * callbacks for when the delivery settles.
 */
final class DeliveredMessage implements IncomingMessage {

	private final String listenerId;

	private final String group;

	private final String queue;

	private final Message message;

	private final DeliveryOrigin origin;

	private final int attempt;

	private byte[] body;

	private VerifiedPublisher verifiedPublisher;

	private Map<String, String> replacedHeaders = Map.of();

	private final OutcomeCallbacks<DeliveryOutcome> callbacks = new OutcomeCallbacks<>();

	private final Instant received = Instant.now();

	DeliveredMessage(BusListenerDefinition listener, Message message, DeliveryOrigin origin, int attempt) {
		this(listener.id(), listener.group(), listener.queue(), message, origin, attempt);
	}

	/** A message for no listener: a reply ({@link ReplyReceiveChain}). */
	DeliveredMessage(String listenerId, String group, String queue, Message message, DeliveryOrigin origin,
			int attempt) {
		this.listenerId = listenerId;
		this.group = group;
		this.queue = queue;
		this.message = message;
		this.origin = origin;
		this.attempt = attempt;
		this.body = message.getBody();
	}

	@Override
	public String topic() {
		return this.origin.topic();
	}

	@Override
	public String brokerUser() {
		return this.origin.publisher();
	}

	@Override
	public Instant receivedAt() {
		if (this.origin.moved()) {
			Object firstMoved = this.message.getMessageProperties().getHeaders().get(BusHeaders.FIRST_FAILURE_TIME);
			if (firstMoved != null) {
				try {
					return Instant.parse(firstMoved.toString());
				}
				catch (DateTimeParseException ex) {
					// not written by Bus's MessageMoves: fall back to now, as for a
					// first delivery
				}
			}
		}
		return this.received;
	}

	/** Where it came from, as judged before anything read it. */
	DeliveryOrigin origin() {
		return this.origin;
	}

	@Override
	public String messageId() {
		MessageProperties properties = this.message.getMessageProperties();
		if (properties.getMessageId() != null) {
			return properties.getMessageId();
		}
		return CloudEventsHeaders.read(properties.getHeaders(), CloudEventsHeaders.ID);
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public String listenerId() {
		return this.listenerId;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public String queue() {
		return this.queue;
	}

	@Override
	public MessageProperties properties() {
		return this.message.getMessageProperties();
	}

	@Override
	public byte[] body() {
		return this.body;
	}

	@Override
	public void setBody(byte[] body) {
		this.body = Objects.requireNonNull(body, "body must not be null");
	}

	@Override
	public void setHeader(String name, String value) {
		if (this.replacedHeaders.isEmpty()) {
			this.replacedHeaders = new HashMap<>();
		}
		this.replacedHeaders.put(name, value);
	}

	/**
	 * The header values elements replaced, which the listener sees instead of the
	 * received ones.
	 */
	Map<String, String> replacedHeaders() {
		return this.replacedHeaders;
	}

	@Override
	public VerifiedPublisher verifiedPublisher() {
		return this.verifiedPublisher;
	}

	@Override
	public void setVerifiedPublisher(VerifiedPublisher publisher) {
		this.verifiedPublisher = publisher;
	}

	@Override
	public void onSettled(Consumer<DeliveryOutcome> callback) {
		this.callbacks.add(callback);
	}

	/**
	 * The message as delivered, with its original body: what retries and dead letters
	 * carry.
	 */
	Message original() {
		return this.message;
	}

	/**
	 * The message as the listener method sees it, with its decoded payload: each
	 * attribute from its AMQP property, else from CloudEvents headers (other publishers,
	 * older Bus); the headers as delivered, with those elements replaced, less the
	 * per-message token.
	 */
	BusMessage<Object> toBusMessage(Object payload) {
		MessageProperties properties = this.message.getMessageProperties();
		Map<String, String> headers = new LinkedHashMap<>();
		properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
		headers.putAll(this.replacedHeaders);
		// The per-message token stays out of user code, where it could be logged:
		// BusMessage.publisher() says who.
		headers.remove(BusHeaders.AUTHORIZATION);
		// The type is the topic unless said otherwise, as publishers leave it out when it
		// is.
		String topic = topic();
		String messageId = (properties.getMessageId() != null) ? properties.getMessageId()
				: CloudEventsHeaders.read(headers, CloudEventsHeaders.ID);
		String type = (properties.getType() != null) ? properties.getType()
				: CloudEventsHeaders.read(headers, CloudEventsHeaders.TYPE);
		String source = (properties.getAppId() != null) ? properties.getAppId()
				: CloudEventsHeaders.read(headers, CloudEventsHeaders.SOURCE);
		Instant time = CloudEventsHeaders.eventTime(headers, properties.getTimestamp());
		return new BusMessage<>(payload, messageId, topic, (type != null) ? type : topic, source, time,
				headers.get(BusHeaders.PARTITION_KEY), this.attempt, Collections.unmodifiableMap(headers),
				this.verifiedPublisher);
	}

	/** Runs the elements' outcome callbacks, once. */
	void settle(DeliveryOutcome outcome) {
		this.callbacks.run(outcome, "a delivery to listener '" + this.listenerId + "'");
	}

}

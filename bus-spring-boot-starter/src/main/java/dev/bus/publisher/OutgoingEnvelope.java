package dev.bus.publisher;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import com.rabbitmq.client.AMQP;

import dev.bus.OutgoingMessage;
import dev.bus.chain.OutcomeCallbacks;
import dev.bus.core.BusHeaders;
import dev.bus.transport.Envelope;

/**
 * The envelope of one publish while the {@link PublishChain} runs: mutable, then
 * {@linkplain #seal sealed} once into the immutable AMQP properties, so the chain never
 * forces the properties to be built twice. It also keeps the elements' outcome callbacks
 * for when the publish settles.
 */
public final class OutgoingEnvelope implements OutgoingMessage {

	private final String topic;

	private final String messageId;

	private final String type;

	private final String source;

	private final Instant timestamp;

	private final Map<String, Object> headers;

	private byte[] body;

	private String contentType;

	private final OutcomeCallbacks<Throwable> callbacks = new OutcomeCallbacks<>();

	private Envelope sealed;

	OutgoingEnvelope(String topic, String messageId, String type, String source, Instant timestamp,
			Map<String, Object> headers, byte[] body, String contentType) {
		this.topic = topic;
		this.messageId = messageId;
		this.type = type;
		this.source = source;
		this.timestamp = timestamp;
		this.headers = headers;
		this.body = body;
		this.contentType = contentType;
	}

	@Override
	public String topic() {
		return this.topic;
	}

	@Override
	public String messageId() {
		return this.messageId;
	}

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public Instant timestamp() {
		return this.timestamp;
	}

	@Override
	public Map<String, Object> headers() {
		return this.headers;
	}

	@Override
	public byte[] body() {
		return this.body;
	}

	@Override
	public void setBody(byte[] body) {
		requireOpen();
		this.body = Objects.requireNonNull(body, "body must not be null");
	}

	@Override
	public String contentType() {
		return this.contentType;
	}

	@Override
	public void setContentType(String contentType) {
		requireOpen();
		this.contentType = contentType;
	}

	@Override
	public void onSettled(Consumer<Throwable> callback) {
		this.callbacks.add(callback);
	}

	/** The sealed envelope; only after {@link #seal}. */
	public Envelope envelope() {
		return this.sealed;
	}

	/**
	 * Builds the AMQP properties; the message cannot change after this. Each CloudEvents
	 * attribute goes in the property with its meaning ({@code app_id} is the source),
	 * once: no {@code type} when it is the topic (the routing key says it, and listeners
	 * take the topic for a missing type), no {@code content_encoding}, which in AMQP
	 * names a compression, not a charset (JSON is UTF-8).
	 */
	Envelope seal(int deliveryMode, Addressing addressing) {
		if (addressing.held()) {
			this.headers.put(BusHeaders.HELD_TOPIC, this.topic);
		}
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(this.contentType)
			.deliveryMode(addressing.transientDelivery() ? 1 : deliveryMode)
			.replyTo(addressing.replyTo())
			.correlationId(addressing.correlationId())
			.messageId(this.messageId)
			.type(this.type.equals(this.topic) ? null : this.type)
			.appId(this.source)
			.timestamp(Date.from(this.timestamp))
			.headers(this.headers.isEmpty() ? null : this.headers)
			.build();
		this.sealed = new Envelope(this.topic, this.messageId, properties, this.body);
		return this.sealed;
	}

	/** Runs the elements' outcome callbacks, once. */
	public void settle(Throwable error) {
		this.callbacks.run(error, "message " + this.messageId + " to topic '" + this.topic + "'");
	}

	private void requireOpen() {
		if (this.sealed != null) {
			throw new IllegalStateException("message " + this.messageId + " is sealed; change it in postProcess");
		}
	}

}

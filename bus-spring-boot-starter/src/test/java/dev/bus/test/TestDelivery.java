package dev.bus.test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.amqp.core.MessageProperties;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.VerifiedPublisher;
import dev.bus.chain.OutcomeCallbacks;

/**
 * A delivery as a listener's receive chain sees it, for testing one element without a
 * broker.
 */
public final class TestDelivery implements IncomingMessage {

	private final String topic;

	private final String messageId;

	private final int attempt;

	private final MessageProperties properties;

	private byte[] body;

	private VerifiedPublisher verifiedPublisher;

	private final Map<String, String> replacedHeaders = new HashMap<>();

	private final OutcomeCallbacks<DeliveryOutcome> callbacks = new OutcomeCallbacks<>();

	private Instant receivedAt = Instant.now();

	public TestDelivery(String topic, String messageId, int attempt, MessageProperties properties, byte[] body) {
		this.topic = topic;
		this.messageId = messageId;
		this.attempt = attempt;
		this.properties = properties;
		this.body = body;
	}

	/**
	 * Settles the delivery: runs the elements' callbacks as Bus does (last registered
	 * first, once).
	 */
	public void settle(DeliveryOutcome outcome) {
		this.callbacks.run(outcome, "test delivery " + this.messageId);
	}

	@Override
	public String topic() {
		return this.topic;
	}

	/** The delivery's {@code user_id}, as for a first delivery from the bus exchange. */
	@Override
	public String brokerUser() {
		return this.properties.getReceivedUserId();
	}

	/**
	 * When the application first received it, as recorded on a move: for testing a
	 * replay.
	 */
	public TestDelivery receivedAt(Instant receivedAt) {
		this.receivedAt = receivedAt;
		return this;
	}

	@Override
	public Instant receivedAt() {
		return this.receivedAt;
	}

	@Override
	public String messageId() {
		return this.messageId;
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public String listenerId() {
		return "inventory.onOrder";
	}

	@Override
	public String group() {
		return "inventory";
	}

	@Override
	public String queue() {
		return "inventory." + this.topic;
	}

	@Override
	public MessageProperties properties() {
		return this.properties;
	}

	@Override
	public byte[] body() {
		return this.body;
	}

	@Override
	public void setBody(byte[] body) {
		this.body = body;
	}

	@Override
	public void setHeader(String name, String value) {
		this.replacedHeaders.put(name, value);
	}

	/** The header values elements replaced. */
	public Map<String, String> replacedHeaders() {
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

}

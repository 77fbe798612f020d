package dev.bus.testkit.security;

import java.time.Instant;
import java.util.function.Consumer;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.VerifiedPublisher;

/**
 * A request another service answers ({@link OtherService#answers}), as the receive
 * elements it goes through (decryption) read it: its topic and publisher are those the
 * in-process broker delivered it with.
 */
final class ServiceRequest implements IncomingMessage {

	private final String service;

	private final Message message;

	private final Instant receivedAt = Instant.now();

	private byte[] body;

	private VerifiedPublisher publisher;

	ServiceRequest(String service, Message message) {
		this.service = service;
		this.message = message;
		this.body = message.getBody();
	}

	@Override
	public String topic() {
		return this.message.getMessageProperties().getReceivedRoutingKey();
	}

	@Override
	public String brokerUser() {
		return this.message.getMessageProperties().getReceivedUserId();
	}

	@Override
	public Instant receivedAt() {
		return this.receivedAt;
	}

	@Override
	public String messageId() {
		return this.message.getMessageProperties().getMessageId();
	}

	@Override
	public int attempt() {
		return 1;
	}

	@Override
	public String listenerId() {
		return this.service + ".answers";
	}

	@Override
	public String group() {
		return this.service;
	}

	@Override
	public String queue() {
		return this.message.getMessageProperties().getConsumerQueue();
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
		this.body = body;
	}

	@Override
	public void setHeader(String name, String value) {
		this.message.getMessageProperties().setHeader(name, value);
	}

	@Override
	public VerifiedPublisher verifiedPublisher() {
		return this.publisher;
	}

	@Override
	public void setVerifiedPublisher(VerifiedPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onSettled(Consumer<DeliveryOutcome> callback) {
		// answered at once: nothing waits for the outcome
	}

}

package dev.bus.publisher;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.OutboundMessage;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;

/**
 * Turns an {@link OutboundMessage} into an {@link Envelope}: JSON body, persistent delivery (unless turned off),
 * message id, logical type and CloudEvents 1.0 attributes as {@code ce_} headers. No Java class name ever reaches
 * the wire, so any AMQP client can read what Bus publishes.
 */
public class EnvelopeFactory {

	private final JsonMapper jsonMapper;

	private final String source;

	private final long maxMessageSize;

	private final int deliveryMode;

	private final EventTimeFormat eventTime = new EventTimeFormat();

	public EnvelopeFactory(JsonMapper jsonMapper, String source, long maxMessageSize, boolean persistent) {
		this.jsonMapper = jsonMapper;
		this.source = source;
		this.maxMessageSize = maxMessageSize;
		this.deliveryMode = persistent ? 2 : 1;
	}

	public Envelope create(OutboundMessage message) {
		byte[] body = serialize(message);
		if (body.length > this.maxMessageSize) {
			throw new BusPublishException(Reason.OVERSIZE, message.topic(), message.messageId(),
					body.length + " bytes exceed bus.publisher.max-message-size (" + this.maxMessageSize + " bytes)",
					null);
		}
		Instant now = Instant.now();
		Map<String, Object> headers = new HashMap<>(message.headers());
		headers.put(BusHeaders.CE_ID, message.messageId());
		headers.put(BusHeaders.CE_SOURCE, this.source);
		headers.put(BusHeaders.CE_TYPE, message.type());
		headers.put(BusHeaders.CE_SPEC_VERSION, BusHeaders.CE_SPEC_VERSION_VALUE);
		headers.put(BusHeaders.CE_TIME, this.eventTime.format(now));
		if (message.subject() != null) {
			headers.put(BusHeaders.CE_SUBJECT, message.subject());
		}
		if (message.partitionKey() != null) {
			headers.put(BusHeaders.PARTITION_KEY, message.partitionKey());
		}
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(BusContentTypes.JSON)
			.contentEncoding("UTF-8")
			.deliveryMode(this.deliveryMode)
			.messageId(message.messageId())
			.type(message.type())
			.timestamp(Date.from(now))
			.headers(headers)
			.build();
		return new Envelope(message.topic(), message.messageId(), properties, body);
	}

	private byte[] serialize(OutboundMessage message) {
		try {
			return this.jsonMapper.writeValueAsBytes(message.payload());
		}
		catch (JacksonException ex) {
			throw new BusPublishException(Reason.SERIALIZATION_FAILED, message.topic(), message.messageId(),
					"payload of type " + message.payload().getClass().getSimpleName() + " is not serialisable to JSON: "
							+ ex.getOriginalMessage(),
					null);
		}
	}

}

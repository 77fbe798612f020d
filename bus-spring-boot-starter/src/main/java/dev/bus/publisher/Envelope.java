package dev.bus.publisher;

import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;

import dev.bus.core.BusHeaders;
import dev.bus.core.batch.BatchEntry;

/**
 * One serialised message ready for the wire: routing key, AMQP properties and body. Also maps itself to and
 * from a {@link BatchEntry}, so the AMQP properties of a logical message survive being packed into a batch.
 *
 * @param topic routing key
 * @param messageId message id, for correlating returns and errors
 * @param properties AMQP properties, headers included
 * @param body serialised payload
 */
public record Envelope(String topic, String messageId, AMQP.BasicProperties properties, byte[] body) {

	// Batch entries carry AMQP properties as headers under their AMQP names.
	static final String MESSAGE_ID = "message_id";

	static final String TYPE = "type";

	static final String CONTENT_TYPE = "content_type";

	static final String TIMESTAMP = "timestamp";

	static final String APP_ID = "app_id";

	/**
	 * This envelope as sent by broker user {@code userId}: with {@code user_id} set to it, the broker's condition
	 * for accepting the message. An application that moves another user's message on records that first publisher
	 * itself ({@value BusHeaders#ORIGINAL_USER_ID}), from what it verified.
	 * @param userId the authenticated broker user, or {@code null} when unknown (nothing changes)
	 */
	public Envelope sentBy(String userId) {
		if (userId == null || userId.equals(this.properties.getUserId())) {
			return this;
		}
		return new Envelope(this.topic, this.messageId, this.properties.builder().userId(userId).build(), this.body);
	}

	/**
	 * This envelope parked in a routing rule's holding queue (whose binding key is {@code holdTopic}), as sealed for
	 * its own topic (encrypted and signed for it), which {@value BusHeaders#HELD_TOPIC} keeps for its release.
	 */
	public Envelope heldIn(String holdTopic) {
		Map<String, Object> headers = (this.properties.getHeaders() != null)
				? new HashMap<>(this.properties.getHeaders()) : new HashMap<>();
		headers.put(BusHeaders.HELD_TOPIC, this.topic);
		return new Envelope(holdTopic, this.messageId, this.properties.builder().headers(headers).build(), this.body);
	}

	/** This message as a batch entry: its string headers plus the properties a consumer reads. */
	public BatchEntry toBatchEntry() {
		Map<String, String> headers = new LinkedHashMap<>();
		if (this.properties.getHeaders() != null) {
			this.properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
		}
		putIfSet(headers, MESSAGE_ID, this.properties.getMessageId());
		putIfSet(headers, TYPE, this.properties.getType());
		putIfSet(headers, CONTENT_TYPE, this.properties.getContentType());
		putIfSet(headers, APP_ID, this.properties.getAppId());
		if (this.properties.getTimestamp() != null) {
			headers.put(TIMESTAMP, Long.toString(this.properties.getTimestamp().getTime()));
		}
		return new BatchEntry(headers, this.body);
	}

	/**
	 * The AMQP properties of a logical message unpacked from a batch: the batch message's own properties
	 * (delivery mode, etc.) overlaid with the entry's.
	 */
	public static AMQP.BasicProperties propertiesOf(BatchEntry entry) {
		Map<String, Object> headers = new HashMap<>(entry.headers());
		String messageId = (String) headers.remove(MESSAGE_ID);
		String type = (String) headers.remove(TYPE);
		String contentType = (String) headers.remove(CONTENT_TYPE);
		String appId = (String) headers.remove(APP_ID);
		String timestamp = (String) headers.remove(TIMESTAMP);
		return new AMQP.BasicProperties.Builder().messageId(messageId)
			.type(type)
			.contentType(contentType)
			.appId(appId)
			.timestamp((timestamp != null) ? new Date(Long.parseLong(timestamp)) : null)
			.deliveryMode(2)
			.headers(headers)
			.build();
	}

	private static void putIfSet(Map<String, String> headers, String name, String value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

}

package dev.bus.transport;

import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.MessageIds;
import dev.bus.core.batch.BatchCodec;
import dev.bus.core.batch.BatchEntry;
import dev.bus.core.batch.MalformedBatchException;

/**
 * The one place a message's attributes meet the wire: an {@link Envelope}'s AMQP
 * properties as a batch entry (batches and outbox rows) and back, a batch of entries as
 * one AMQP message, the {@code user_id} the broker requires, and what a listener is
 * delivered (spring-amqp {@link MessageProperties}, batches unpacked into their
 * messages). A new message attribute that travels as an AMQP property is written and read
 * here, and tested in {@code WireCodecTest}; one that travels as a header needs no change
 * anywhere in the transport.
 */
public final class WireCodec {

	// Batch entries carry AMQP properties as headers under their AMQP names.
	static final String MESSAGE_ID = "message_id";

	static final String TYPE = "type";

	static final String CONTENT_TYPE = "content_type";

	static final String TIMESTAMP = "timestamp";

	static final String APP_ID = "app_id";

	private static final String DEATH_HISTORY = "x-death";

	private static final MessagePropertiesConverter DELIVERED = new DeliveredPropertiesConverter();

	private WireCodec() {
	}

	/**
	 * A message as a batch entry: its string headers plus the properties a consumer
	 * reads.
	 */
	public static BatchEntry toBatchEntry(Envelope envelope) {
		AMQP.BasicProperties properties = envelope.properties();
		Map<String, String> headers = new LinkedHashMap<>();
		if (properties.getHeaders() != null) {
			properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
		}
		putIfSet(headers, MESSAGE_ID, properties.getMessageId());
		putIfSet(headers, TYPE, properties.getType());
		putIfSet(headers, CONTENT_TYPE, properties.getContentType());
		putIfSet(headers, APP_ID, properties.getAppId());
		if (properties.getTimestamp() != null) {
			headers.put(TIMESTAMP, Long.toString(properties.getTimestamp().getTime()));
		}
		return new BatchEntry(headers, envelope.body());
	}

	/** The envelope a batch entry was made from ({@link #toBatchEntry}). */
	public static Envelope fromBatchEntry(String topic, String messageId, BatchEntry entry) {
		return new Envelope(topic, messageId, propertiesOf(entry), entry.body());
	}

	/**
	 * Entries packed into one persistent AMQP message for {@code topic}, with an id of
	 * its own.
	 */
	public static Envelope batchOf(String topic, List<BatchEntry> entries) {
		String batchId = MessageIds.next();
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(BusContentTypes.BATCH)
			.deliveryMode(2)
			.messageId(batchId)
			.headers(Map.of(BusHeaders.BATCH_SIZE, entries.size()))
			.build();
		return new Envelope(topic, batchId, properties, BatchCodec.encode(entries));
	}

	/**
	 * The properties to send an envelope with as broker user {@code userId}:
	 * {@code user_id} set to it, the broker's condition for accepting the message. An
	 * application that moves another user's message on records that first publisher
	 * itself ({@value BusHeaders#ORIGINAL_USER_ID}), from what it verified.
	 * @param userId the authenticated broker user, or {@code null} when unknown (the
	 * properties as sealed)
	 */
	public static AMQP.BasicProperties sentBy(AMQP.BasicProperties properties, String userId) {
		if (userId == null || userId.equals(properties.getUserId())) {
			return properties;
		}
		return properties.builder().userId(userId).build();
	}

	/** Whether a delivery is a batch of messages ({@link #unpack}). */
	public static boolean isBatch(MessageProperties properties) {
		String contentType = properties.getContentType();
		return contentType != null && contentType.startsWith(BusContentTypes.BATCH);
	}

	/**
	 * Each entry of a delivered batch as a message of its own, carrying the batch's
	 * delivery information.
	 * @throws MalformedBatchException when the body is not a batch
	 */
	public static List<Message> unpack(Message batch) {
		MessageProperties batchProperties = batch.getMessageProperties();
		com.rabbitmq.client.Envelope delivery = new com.rabbitmq.client.Envelope(batchProperties.getDeliveryTag(),
				Boolean.TRUE.equals(batchProperties.getRedelivered()), batchProperties.getReceivedExchange(),
				batchProperties.getReceivedRoutingKey());
		Object history = batchProperties.getHeaders().get(DEATH_HISTORY);
		return BatchCodec.decode(batch.getBody()).stream().map((entry) -> {
			MessageProperties properties = delivered(propertiesOf(entry), delivery);
			// The broker verified the batch's user_id and wrote its dead-letter history:
			// they are each entry's, and
			// an entry's own header of that name was written by its sender.
			properties.setReceivedUserId(batchProperties.getReceivedUserId());
			properties.getHeaders().remove(DEATH_HISTORY);
			if (history != null) {
				properties.setHeader(DEATH_HISTORY, history);
			}
			return new Message(entry.body(), properties);
		}).toList();
	}

	/**
	 * What a listener is given for a delivery's AMQP properties
	 * ({@link DeliveredPropertiesConverter}).
	 */
	public static MessageProperties delivered(AMQP.BasicProperties properties, com.rabbitmq.client.Envelope delivery) {
		return DELIVERED.toMessageProperties(properties, delivery, "UTF-8");
	}

	/**
	 * The AMQP properties of a delivered message, to send it on (a retry, a dead letter):
	 * what it was delivered with ({@link #delivered}), read back.
	 */
	public static AMQP.BasicProperties toSend(MessageProperties delivered) {
		return DELIVERED.fromMessageProperties(delivered, "UTF-8");
	}

	/**
	 * spring-amqp's converter for listener containers that deliver with
	 * {@link #delivered}'s rules.
	 */
	public static MessagePropertiesConverter deliveredPropertiesConverter() {
		return DELIVERED;
	}

	/**
	 * The AMQP properties of a logical message unpacked from a batch: persistent, with
	 * the entry's properties and headers.
	 */
	static AMQP.BasicProperties propertiesOf(BatchEntry entry) {
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

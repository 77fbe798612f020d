package dev.bus.listener;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;
import tools.jackson.databind.JavaType;

import dev.bus.BusMessage;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.batch.BatchCodec;
import dev.bus.core.batch.BatchEntry;
import dev.bus.core.batch.MalformedBatchException;
import dev.bus.publisher.Envelope;

/**
 * Handles deliveries for one {@code @BusListener}: unpacks batches, decodes, filters, invokes the method and
 * acknowledges manually once every logical message in the delivery is settled, i.e. handled, filtered out or
 * safely dead-lettered. A message is never acked before that, so a crash or shutdown mid-way leaves it on the
 * queue; and bad input never reaches user code.
 */
public class BusMessageListener implements ChannelAwareMessageListener {

	private static final Log logger = LogFactory.getLog(BusMessageListener.class);

	private final BusListenerDefinition listener;

	private final JavaType payloadType;

	private final PayloadDecoder decoder;

	private final MessageFilter filter;

	private final DeadLetterPublisher deadLetters;

	private final ListenerObserver observer;

	private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

	public BusMessageListener(BusListenerDefinition listener, PayloadDecoder decoder, MessageFilter filter,
			DeadLetterPublisher deadLetters, ListenerObserver observer) {
		this.listener = listener;
		this.payloadType = decoder.typeOf(listener.method().payloadType());
		this.decoder = decoder;
		this.filter = filter;
		this.deadLetters = deadLetters;
		this.observer = observer;
	}

	@Override
	public void onMessage(Message message, Channel channel) throws IOException {
		long deliveryTag = message.getMessageProperties().getDeliveryTag();
		try {
			if (isBatch(message)) {
				for (Message logical : unpack(message)) {
					handle(logical);
				}
			}
			else {
				handle(message);
			}
		}
		catch (DeadLetterPublisher.DeadLetterException ex) {
			// The broker's own dead-lettering (the queue's DLX) still keeps the message, without failure headers.
			logger.error("Could not dead-letter a message from queue '" + this.listener.queue()
					+ "'; rejecting it to the queue's dead-letter exchange instead", ex);
			channel.basicNack(deliveryTag, false, false);
			return;
		}
		catch (MalformedBatchException ex) {
			deadLetter(message, FailureReason.MALFORMED_BATCH, ex, 0);
		}
		catch (RuntimeException ex) {
			// A bug on Bus's side, not the handler's (those are caught above): still never leave the delivery
			// unacknowledged or drop it; the queue's dead-letter exchange keeps it.
			logger.error("Unexpected failure handling a message from queue '" + this.listener.queue()
					+ "'; rejecting it to the queue's dead-letter exchange", ex);
			channel.basicNack(deliveryTag, false, false);
			return;
		}
		channel.basicAck(deliveryTag, false);
	}

	private void handle(Message message) {
		MessageProperties properties = message.getMessageProperties();
		String topic = properties.getReceivedRoutingKey();
		BusMessage<Object> busMessage;
		try {
			busMessage = toBusMessage(message, this.decoder.decode(message, this.payloadType));
			if (this.filter != null && !this.filter.matches(busMessage)) {
				this.observer.filtered(this.listener, topic);
				return;
			}
		}
		catch (RejectedMessageException ex) {
			deadLetter(message, ex.getReason(), ex, 0);
			return;
		}
		long start = System.nanoTime();
		try {
			this.listener.method().invoke(busMessage);
			this.observer.consumed(this.listener, topic, System.nanoTime() - start);
		}
		catch (InvocationTargetException ex) {
			deadLetter(message, FailureReason.HANDLER_FAILED, ex.getTargetException(), System.nanoTime() - start);
		}
	}

	private void deadLetter(Message message, FailureReason reason, Throwable error, long handlerNanos) {
		MessageProperties properties = message.getMessageProperties();
		logger.warn("Dead-lettering message " + properties.getMessageId() + " (topic '"
				+ properties.getReceivedRoutingKey() + "', group '" + this.listener.group() + "', listener '"
				+ this.listener.id() + "'): " + reason.code() + ": " + error.getMessage());
		this.deadLetters.publish(this.listener, message, reason, error);
		this.observer.failed(this.listener, properties.getReceivedRoutingKey(), reason, handlerNanos);
	}

	private static boolean isBatch(Message message) {
		String contentType = message.getMessageProperties().getContentType();
		return contentType != null && contentType.startsWith(BusContentTypes.BATCH);
	}

	/** Each batch entry as a message of its own, carrying the batch's delivery information. */
	private List<Message> unpack(Message batch) {
		MessageProperties batchProperties = batch.getMessageProperties();
		com.rabbitmq.client.Envelope delivery = new com.rabbitmq.client.Envelope(batchProperties.getDeliveryTag(),
				Boolean.TRUE.equals(batchProperties.getRedelivered()), batchProperties.getReceivedExchange(),
				batchProperties.getReceivedRoutingKey());
		List<BatchEntry> entries = BatchCodec.decode(batch.getBody());
		return entries.stream()
			.map((entry) -> new Message(entry.body(),
					this.converter.toMessageProperties(Envelope.propertiesOf(entry), delivery, "UTF-8")))
			.toList();
	}

	private BusMessage<Object> toBusMessage(Message message, Object payload) {
		MessageProperties properties = message.getMessageProperties();
		Map<String, String> headers = new LinkedHashMap<>();
		properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
		String messageId = (properties.getMessageId() != null) ? properties.getMessageId()
				: headers.get(BusHeaders.CE_ID);
		String type = (properties.getType() != null) ? properties.getType() : headers.get(BusHeaders.CE_TYPE);
		Instant time = (properties.getTimestamp() != null) ? properties.getTimestamp().toInstant() : null;
		return new BusMessage<>(payload, messageId, properties.getReceivedRoutingKey(), type,
				headers.get(BusHeaders.CE_SOURCE), time, headers.get(BusHeaders.PARTITION_KEY),
				attempt(headers.get(BusHeaders.ATTEMPT)), Collections.unmodifiableMap(headers));
	}

	private static int attempt(String header) {
		try {
			return (header != null) ? Math.max(1, Integer.parseInt(header)) : 1;
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

}

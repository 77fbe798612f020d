package dev.bus.listener;

import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.MessageIds;
import dev.bus.publisher.ConfirmingPublisher;
import dev.bus.publisher.Envelope;

/**
 * Answers requests: a listener method's return value goes back as JSON to the request's {@code reply_to} (RabbitMQ
 * direct reply-to) with its correlation id; what the method threw goes back as the exception's class name and a
 * bounded message, never a stack trace. Replies are transient and not waited for: a requester that has gone is
 * no one's loss.
 */
public class Replier {

	private static final Log logger = LogFactory.getLog(Replier.class);

	private final ConfirmingPublisher publisher;

	private final JsonMapper jsonMapper;

	private final int maxMessageLength;

	public Replier(ConfirmingPublisher publisher, JsonMapper jsonMapper, int maxMessageLength) {
		this.publisher = publisher;
		this.jsonMapper = jsonMapper;
		this.maxMessageLength = maxMessageLength;
	}

	/** Whether the delivered message is a request, waiting for a reply. */
	static boolean isRequest(MessageProperties properties) {
		return properties.getReplyTo() != null && !properties.getReplyTo().isEmpty();
	}

	/** Sends what the listener method returned. */
	void reply(MessageProperties request, Object value) {
		byte[] body;
		try {
			body = this.jsonMapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			replyError(request, new IllegalStateException("the reply (" + value.getClass().getSimpleName()
					+ ") is not serialisable to JSON: " + ex.getOriginalMessage()));
			return;
		}
		send(request, Map.of(), body);
	}

	/** Sends what the listener method threw. */
	void replyError(MessageProperties request, Throwable error) {
		String message = String.valueOf(error.getMessage());
		Map<String, Object> headers = new HashMap<>();
		headers.put(BusHeaders.REPLY_ERROR, error.getClass().getName());
		headers.put(BusHeaders.REPLY_ERROR_MESSAGE, (message.length() <= this.maxMessageLength) ? message
				: message.substring(0, this.maxMessageLength) + "...");
		send(request, headers, new byte[0]);
	}

	private void send(MessageProperties request, Map<String, Object> headers, byte[] body) {
		String correlationId = (request.getCorrelationId() != null) ? request.getCorrelationId()
				: request.getMessageId();
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(BusContentTypes.JSON)
			.correlationId(correlationId)
			.deliveryMode(1)
			.headers(headers)
			.build();
		this.publisher.publish("", new Envelope(request.getReplyTo(), MessageIds.next(), properties, body))
			.whenComplete((confirmed, error) -> {
				if (error != null && logger.isDebugEnabled()) {
					logger.debug("The reply to request " + correlationId + " was not delivered: " + error.getMessage());
				}
			});
	}

}

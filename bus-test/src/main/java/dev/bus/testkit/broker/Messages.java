package dev.bus.testkit.broker;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;

/** The copies of a message the broker hands out, with what RabbitMQ writes on them. */
final class Messages {

	private Messages() {
	}

	static Message copy(Message message) {
		return MessageBuilder.fromClonedMessage(message).build();
	}

	/** A delivery of a stored message, with the properties a consumer gets. */
	static Message delivered(Stored stored, String queue, long deliveryTag, boolean redelivered, boolean quorum) {
		Message copy = copy(stored.message());
		MessageProperties properties = copy.getMessageProperties();
		properties.setReceivedExchange(stored.exchange());
		properties.setReceivedRoutingKey(stored.routingKey());
		properties.setConsumerQueue(queue);
		properties.setDeliveryTag(deliveryTag);
		properties.setRedelivered(redelivered);
		if (quorum) {
			properties.setHeader("x-delivery-count", (long) stored.deliveries() - 1);
		}
		return copy;
	}

	/**
	 * The message dead-lettered from a queue: RabbitMQ 3.10's {@code x-death} (one entry
	 * per queue and reason, the latest first, its count raised when it dies there again
	 * for the same reason) and {@code x-first-death-*}; the per-message TTL is removed.
	 */
	@SuppressWarnings("unchecked")
	static Message deadLettered(Stored stored, String queue, String reason) {
		Message copy = copy(stored.message());
		MessageProperties properties = copy.getMessageProperties();
		List<Map<String, Object>> deaths = new ArrayList<>();
		Object existing = properties.getHeaders().get(InProcessBroker.X_DEATH);
		if (existing instanceof List<?> list) {
			list.forEach((entry) -> deaths.add(new LinkedHashMap<>((Map<String, Object>) entry)));
		}
		Map<String, Object> death = null;
		for (Map<String, Object> entry : deaths) {
			if (queue.equals(entry.get("queue")) && reason.equals(entry.get("reason"))) {
				death = entry;
			}
		}
		if (death != null) {
			deaths.remove(death);
			death.put("count", ((Number) death.get("count")).longValue() + 1);
		}
		else {
			death = new LinkedHashMap<>();
			death.put("count", 1L);
			death.put("reason", reason);
			death.put("queue", queue);
			death.put("exchange", stored.exchange());
			death.put("routing-keys", List.of(stored.routingKey()));
		}
		death.put("time", new Date());
		deaths.add(0, death);
		properties.setHeader(InProcessBroker.X_DEATH, deaths);
		properties.getHeaders().putIfAbsent("x-first-death-reason", reason);
		properties.getHeaders().putIfAbsent("x-first-death-queue", queue);
		properties.getHeaders().putIfAbsent("x-first-death-exchange", stored.exchange());
		properties.setExpiration(null);
		return copy;
	}

}

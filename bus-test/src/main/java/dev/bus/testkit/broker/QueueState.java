package dev.bus.testkit.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.springframework.amqp.core.Message;

/** A queue: its ready messages, its arguments as RabbitMQ reads them, its consumers. */
final class QueueState {

	final String name;

	final Map<String, Object> arguments;

	final boolean autoDelete;

	final Deque<Stored> ready = new ArrayDeque<>();

	final List<ConsumerState> consumers = new ArrayList<>();

	final Long ttl;

	final Integer deliveryLimit;

	final Integer maxLength;

	final boolean rejectPublish;

	final boolean singleActive;

	final boolean quorum;

	boolean hadConsumer;

	Object expiryCheck;

	int next;

	QueueState(String name, Map<String, Object> arguments, boolean autoDelete) {
		this.name = name;
		this.arguments = arguments;
		this.autoDelete = autoDelete;
		this.ttl = number(arguments.get("x-message-ttl"));
		Long limit = number(arguments.get("x-delivery-limit"));
		this.deliveryLimit = (limit != null) ? limit.intValue() : null;
		Long max = number(arguments.get("x-max-length"));
		this.maxLength = (max != null) ? max.intValue() : null;
		this.rejectPublish = "reject-publish".equals(arguments.get("x-overflow"));
		this.singleActive = Boolean.TRUE.equals(arguments.get("x-single-active-consumer"));
		this.quorum = "quorum".equals(arguments.get("x-queue-type"));
	}

	/** When a message put in now expires: the queue's TTL or its own, the sooner. */
	long expiryOf(Message message) {
		long expiresAt = Long.MAX_VALUE;
		long now = System.currentTimeMillis();
		if (this.ttl != null) {
			expiresAt = now + this.ttl;
		}
		String expiration = message.getMessageProperties().getExpiration();
		if (expiration != null) {
			expiresAt = Math.min(expiresAt, now + Long.parseLong(expiration));
		}
		return expiresAt;
	}

	/**
	 * Whether a publish is refused: at its {@code x-max-length} with reject-publish.
	 */
	boolean full() {
		return this.rejectPublish && this.maxLength != null && this.ready.size() >= this.maxLength;
	}

	/**
	 * The consumer that gets the next message, or {@code null} when none has room.
	 */
	ConsumerState nextConsumer() {
		if (this.consumers.isEmpty()) {
			return null;
		}
		if (this.singleActive) {
			ConsumerState active = this.consumers.get(0);
			return (active.inFlight < active.prefetch) ? active : null;
		}
		for (int i = 0; i < this.consumers.size(); i++) {
			ConsumerState candidate = this.consumers.get((this.next + i) % this.consumers.size());
			if (candidate.inFlight < candidate.prefetch) {
				this.next = (this.next + i + 1) % this.consumers.size();
				return candidate;
			}
		}
		return null;
	}

	private static Long number(Object value) {
		return (value instanceof Number number) ? number.longValue()
				: (value != null) ? Long.valueOf(value.toString()) : null;
	}

}

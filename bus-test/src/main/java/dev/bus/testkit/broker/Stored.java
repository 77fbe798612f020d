package dev.bus.testkit.broker;

import org.springframework.amqp.core.Message;

/**
 * A message in a queue: as published, where it was published to (for the delivery's
 * properties and {@code x-death}), how often it was delivered, and when it expires.
 */
record Stored(Message message, String exchange, String routingKey, int deliveries, long expiresAt) {

	Stored(Message message, String exchange, String routingKey, int deliveries) {
		this(message, exchange, routingKey, deliveries, Long.MAX_VALUE);
	}

	Stored expiringAt(long time) {
		return new Stored(this.message, this.exchange, this.routingKey, this.deliveries, time);
	}

	Stored delivered() {
		return new Stored(this.message, this.exchange, this.routingKey, this.deliveries + 1, this.expiresAt);
	}

	boolean expired(long now) {
		return this.expiresAt <= now;
	}

}

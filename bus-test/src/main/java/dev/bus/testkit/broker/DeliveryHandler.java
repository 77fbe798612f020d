package dev.bus.testkit.broker;

import org.springframework.amqp.core.Message;

/**
 * Receives the deliveries of an {@link InProcessBroker} consumer, one at a time, on the
 * consumer's thread.
 */
@FunctionalInterface
public interface DeliveryHandler {

	void deliver(Message message, long deliveryTag);

}

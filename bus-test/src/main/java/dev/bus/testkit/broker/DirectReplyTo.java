package dev.bus.testkit.broker;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import com.rabbitmq.client.AMQP;

/**
 * RabbitMQ's direct reply-to in an {@link InProcessBroker}: an address of the
 * {@code amq.rabbitmq.reply-to} pseudo-queue, whose messages, published to the default
 * exchange, go straight to the requester that opened it, unqueued.
 */
public final class DirectReplyTo {

	private final Map<String, BiConsumer<AMQP.BasicProperties, byte[]>> receivers = new ConcurrentHashMap<>();

	DirectReplyTo() {
	}

	/**
	 * A new address whose replies go to {@code receiver}.
	 * @param prefix the pseudo-queue's name
	 * @return the address, to send as a request's {@code reply-to}
	 */
	public String open(String prefix, BiConsumer<AMQP.BasicProperties, byte[]> receiver) {
		String address = prefix + ".in-process-" + UUID.randomUUID();
		this.receivers.put(address, receiver);
		return address;
	}

	/** The address no longer receives. */
	public void close(String address) {
		this.receivers.remove(address);
	}

	/**
	 * Hands a reply to the receiver at an address, on the calling thread.
	 * @return whether a receiver is there (RabbitMQ drops a reply to a requester that is
	 * gone; a mandatory one comes back unroutable)
	 */
	public boolean reply(String address, AMQP.BasicProperties properties, byte[] body) {
		BiConsumer<AMQP.BasicProperties, byte[]> receiver = this.receivers.get(address);
		if (receiver == null) {
			return false;
		}
		receiver.accept(properties, body);
		return true;
	}

}

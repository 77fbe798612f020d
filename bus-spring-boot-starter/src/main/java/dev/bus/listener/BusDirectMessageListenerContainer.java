package dev.bus.listener;

import java.util.concurrent.TimeUnit;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

/**
 * spring-amqp's {@link DirectMessageListenerContainer}, telling how many of its consumers hold an open channel:
 * the health indicator and the {@code bus} endpoint report it, as they do the simple container's active count.
 */
class BusDirectMessageListenerContainer extends DirectMessageListenerContainer {

	BusDirectMessageListenerContainer(ConnectionFactory connectionFactory) {
		super(connectionFactory);
	}

	/**
	 * Consumers with an open channel. The container holds its lock while it (re)connects, which may take a
	 * connection timeout when the broker is down: a caller that cannot get the lock at once gets 0, which is
	 * what it is then.
	 */
	int activeConsumerCount() {
		try {
			if (!this.consumersLock.tryLock(100, TimeUnit.MILLISECONDS)) {
				return 0;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
		try {
			return (int) this.consumers.stream()
				.filter((consumer) -> consumer.getChannel() != null && consumer.getChannel().isOpen())
				.count();
		}
		finally {
			this.consumersLock.unlock();
		}
	}

}

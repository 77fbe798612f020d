package dev.bus.transport;

import java.util.concurrent.TimeUnit;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

/**
 * spring-amqp's {@link DirectMessageListenerContainer} with two additions: it sends its
 * listener's {@link CoalescedAcks} when they are due (on every monitor run) and all of
 * them before its channels close on stop; and it tells how many of its consumers hold an
 * open channel, which the health indicator and the {@code bus} endpoint report, as they
 * do the simple container's active count.
 *
 * <p>
 * Bus groups acks itself rather than through the container's {@code messagesPerAck},
 * whose monitor sends a deferred ack without the consumer's lock and so can ack the same
 * tag twice, which closes the channel.
 */
public class BusDirectMessageListenerContainer extends DirectMessageListenerContainer {

	private final CoalescedAcks acks;

	public BusDirectMessageListenerContainer(ConnectionFactory connectionFactory, CoalescedAcks acks) {
		super(connectionFactory);
		this.acks = acks;
	}

	/** Settled deliveries whose grouped ack has not gone out yet. */
	public int pendingAcks() {
		return this.acks.pendingCount();
	}

	@Override
	protected void doStart() {
		this.acks.started();
		super.doStart();
	}

	@Override
	protected void processMonitorTask() {
		this.acks.flushExpired();
	}

	@Override
	protected void shutdownAndWaitOrCallback(Runnable callback) {
		this.acks.stopping();
		super.shutdownAndWaitOrCallback(callback);
	}

	/**
	 * Consumers with an open channel. The container holds its lock while it (re)connects,
	 * which may take a connection timeout when the broker is down: a caller that cannot
	 * get the lock at once gets 0, which is what it is then.
	 */
	public int activeConsumerCount() {
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

package dev.bus.listener;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

import dev.bus.transport.BusDirectMessageListenerContainer;
import dev.bus.transport.WireCodec;

/**
 * Listener containers over AMQP: spring-amqp's direct container (Bus's, with coalesced
 * acks) by default, or its simple container, with manual acknowledgement.
 */
public class AmqpListenerContainerFactory implements ListenerContainerFactory {

	private final ConnectionFactory connectionFactory;

	private final AmqpAdmin admin;

	private final ListenerSettings defaults;

	/**
	 * @param admin Bus's admin: a queue deleted under a running listener is declared
	 * again through it, with Bus's arguments
	 */
	public AmqpListenerContainerFactory(ConnectionFactory connectionFactory, AmqpAdmin admin,
			ListenerSettings defaults) {
		this.connectionFactory = connectionFactory;
		this.admin = admin;
		this.defaults = defaults;
	}

	@Override
	public ListenerContainer create(BusListenerDefinition listener, BusMessageListener messageListener) {
		BusListenerRegistry.Concurrency concurrency = BusListenerRegistry.Concurrency.parse(listener.concurrency());
		AbstractMessageListenerContainer container;
		if (this.defaults.directContainer()) {
			BusDirectMessageListenerContainer direct = new BusDirectMessageListenerContainer(this.connectionFactory,
					messageListener.acks());
			direct.setConsumersPerQueue(concurrency.max());
			// The monitor sends coalesced acks that are due; consumer restarts keep the
			// recovery interval.
			direct.setMonitorInterval(
					Math.min(this.defaults.ackTimeout().toMillis(), this.defaults.recoveryInterval().toMillis()));
			direct.setFailedDeclarationRetryInterval(this.defaults.recoveryInterval().toMillis());
			// How long a consumer that cannot connect waits before it tries again
			// (spring-amqp's default: 5 s).
			direct.setRecoveryInterval(this.defaults.recoveryInterval().toMillis());
			container = direct;
		}
		else {
			SimpleMessageListenerContainer simple = new SimpleMessageListenerContainer(this.connectionFactory);
			simple.setConcurrentConsumers(concurrency.min());
			if (concurrency.max() > concurrency.min()) {
				simple.setMaxConcurrentConsumers(concurrency.max());
			}
			simple.setRecoveryInterval(this.defaults.recoveryInterval().toMillis());
			container = simple;
		}
		container.setQueueNames(listener.queue());
		container.setMessagePropertiesConverter(WireCodec.deliveredPropertiesConverter());
		container.setAmqpAdmin(this.admin);
		container.setMessageListener(messageListener);
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		container.setPrefetchCount(listener.prefetch());
		container.setExclusive(false);
		container.setDefaultRequeueRejected(false);
		// Never fail start-up (or stop consuming for good) because the broker or a queue
		// is not there yet.
		container.setMissingQueuesFatal(false);
		container.setMismatchedQueuesFatal(false);
		container.setPossibleAuthenticationFailureFatal(false);
		container.setShutdownTimeout(this.defaults.shutdownTimeout().toMillis());
		container.setListenerId(listener.id());
		container.setBeanName("bus-listener-" + listener.id());
		container.setAutoStartup(false);
		container.afterPropertiesSet();
		return new AmqpListenerContainer(container);
	}

	/** A spring-amqp container as the registry runs it. */
	public record AmqpListenerContainer(AbstractMessageListenerContainer container) implements ListenerContainer {

		@Override
		public void start() {
			this.container.start();
		}

		@Override
		public void stop(Runnable callback) {
			this.container.stop(callback);
		}

		@Override
		public void stop() {
			this.container.stop();
		}

		@Override
		public boolean isRunning() {
			return this.container.isRunning();
		}

		@Override
		public int activeConsumers() {
			if (this.container instanceof SimpleMessageListenerContainer simple) {
				return simple.getActiveConsumerCount();
			}
			return ((BusDirectMessageListenerContainer) this.container).activeConsumerCount();
		}

		@Override
		public int pendingAcks() {
			return (this.container instanceof BusDirectMessageListenerContainer direct) ? direct.pendingAcks() : 0;
		}

	}

}

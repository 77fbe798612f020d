package dev.bus.autoconfigure;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.ReceivePostProcessor;
import dev.bus.inbox.Inbox;
import dev.bus.listener.BusListenerAnnotationBeanPostProcessor;
import dev.bus.listener.BusListenerRegistrar;
import dev.bus.listener.AmqpListenerContainerFactory;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.ListenerContainerFactory;
import dev.bus.listener.BusTopology;
import dev.bus.failure.DeadLetterBrowser;
import dev.bus.failure.DeadLetterReplayer;
import dev.bus.failure.DeliveryOrigins;
import dev.bus.failure.FailureHandling;
import dev.bus.failure.MessageMoves;
import dev.bus.listener.ListenerSettings;
import dev.bus.listener.PayloadDecoder;
import dev.bus.listener.ReceiveChain;
import dev.bus.listener.SenderRestrictionCheck;
import dev.bus.reply.Responder;
import dev.bus.observation.BusObservations;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.QueueReader;
import dev.bus.publisher.EnvelopeFactory;

/**
 * Listening: finds {@code @BusListener} methods, declares their queues and runs a
 * listener container for each.
 */
@AutoConfiguration(after = BusAutoConfiguration.class)
@ConditionalOnBean(EnvelopeSender.class)
@ConditionalOnProperty(name = "bus.listener.enabled", havingValue = "true", matchIfMissing = true)
public final class BusListenerAutoConfiguration {

	@Bean
	static BusListenerAnnotationBeanPostProcessor busListenerAnnotationBeanPostProcessor(
			ConfigurableListableBeanFactory beanFactory) {
		return new BusListenerAnnotationBeanPostProcessor(beanFactory);
	}

	/** The listeners' containers over AMQP; a transport of its own brings another. */
	@Bean
	@ConditionalOnMissingBean
	ListenerContainerFactory busListenerContainerFactory(ConnectionFactory connectionFactory,
			@Qualifier("busAmqpAdmin") RabbitAdmin busAmqpAdmin, BusProperties properties) {
		return new AmqpListenerContainerFactory(connectionFactory, busAmqpAdmin, settings(properties.getListener()));
	}

	@Bean
	@ConditionalOnMissingBean
	BusListenerRegistry busListenerRegistry(ListenerContainerFactory busListenerContainerFactory,
			BusTopology topology) {
		return new BusListenerRegistry(busListenerContainerFactory, topology);
	}

	/** {@code bus.listener.*} as the listener package takes it. */
	static ListenerSettings settings(ListenerProperties listener) {
		ListenerProperties.Retry retry = listener.getRetry();
		return new ListenerSettings(listener.getContainerType() == ListenerProperties.ContainerType.DIRECT,
				listener.getGroup(), listener.getConcurrency(), listener.getPrefetch(), listener.getRecoveryInterval(),
				listener.getAckTimeout(), listener.getMessagesPerAck(), listener.getShutdownTimeout(),
				new ListenerSettings.Retry(retry.getMaxAttempts(), retry.getInitialInterval(), retry.getMultiplier(),
						retry.getMaxInterval(), retry.getRetryable(), retry.getNotRetryable()),
				listener.getPauseWhenDown());
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadDecoder busPayloadDecoder(ObjectProvider<JsonMapper> jsonMapper, BusProperties properties) {
		return new PayloadDecoder(jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getListener().getMaxMessageSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	MessageMoves busMessageMoves(EnvelopeSender envelopeSender, BusProperties properties) {
		return new MessageMoves(envelopeSender, properties.getListener().getFailureMessageMaxLength());
	}

	@Bean
	@ConditionalOnMissingBean
	FailureHandling busFailureHandling(MessageMoves busMessageMoves) {
		return new FailureHandling(busMessageMoves);
	}

	@Bean
	@ConditionalOnMissingBean
	DeliveryOrigins busDeliveryOrigins(BusProperties properties, ObjectProvider<BrokerAccess> brokerAccess) {
		return new DeliveryOrigins(properties.getExchange(), brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN));
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetterReplayer busDeadLetterReplayer(QueueReader busQueueReader, EnvelopeSender envelopeSender,
			DeliveryOrigins busDeliveryOrigins) {
		return new DeadLetterReplayer(busQueueReader, envelopeSender, busDeliveryOrigins);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetterBrowser busDeadLetterBrowser(QueueReader busQueueReader, DeliveryOrigins busDeliveryOrigins) {
		return new DeadLetterBrowser(busQueueReader, busDeliveryOrigins);
	}

	/**
	 * The direct container runs each handler on the AMQP client's consumer work pool,
	 * which by default has 2 × cores threads per connection, shared by every channel on
	 * it: a few slow handlers would hold up every other listener. Bus gives the
	 * connection factory Boot creates a pool that grows to one thread per busy channel
	 * and reuses them, so each consumer has a thread when it needs one. A connection
	 * factory the application defines itself keeps its own executor (give it this pool if
	 * you want the same).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bus.listener.container-type", havingValue = "direct", matchIfMissing = true)
	static class DirectContainerDispatchConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busListenerDispatchExecutor")
		ThreadPoolTaskExecutor busListenerDispatchExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setThreadNamePrefix("bus-dispatch-");
			executor.setCorePoolSize(0);
			executor.setMaxPoolSize(Integer.MAX_VALUE);
			executor.setQueueCapacity(0);
			executor.setKeepAliveSeconds(60);
			// Listeners stop (and finish their deliveries) after the context-closed
			// event: keep accepting until
			// the executor is destroyed, after the connection factory that uses it.
			executor.setAcceptTasksAfterContextClose(true);
			return executor;
		}

		@Bean
		BusConnectionFactoryCustomizer busListenerDispatchExecutorCustomizer(
				@Qualifier("busListenerDispatchExecutor") ObjectProvider<ThreadPoolTaskExecutor> executor) {
			return (connectionFactory) -> connectionFactory.setExecutor(executor.getObject());
		}

	}

	/**
	 * Every {@link ReceivePostProcessor} bean, in order: tracing, then security and the
	 * user's own.
	 */
	@Bean
	@ConditionalOnMissingBean
	ReceiveChain busReceiveChain(ObjectProvider<ReceivePostProcessor> postProcessors) {
		return new ReceiveChain(postProcessors.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	BusListenerRegistrar busListenerRegistrar(BusListenerRegistry registry, BusProperties properties,
			Environment environment, PayloadDecoder decoder, FailureHandling failures,
			ObjectProvider<BusObservations> busObservations, Inbox inbox, ReceiveChain receiveChain,
			Responder busResponder, DeliveryOrigins busDeliveryOrigins,
			SenderRestrictionCheck busSenderRestrictionCheck) {
		return new BusListenerRegistrar(registry, settings(properties.getListener()), environment, decoder, failures,
				busObservations.getIfAvailable(() -> BusObservations.NONE), inbox, receiveChain, busResponder,
				busDeliveryOrigins, busSenderRestrictionCheck);
	}

	/**
	 * The listeners' {@code publishers} and {@code authority}, an element of the receive
	 * chain.
	 */
	@Bean
	@ConditionalOnMissingBean
	SenderRestrictionCheck busSenderRestrictionCheck() {
		return new SenderRestrictionCheck();
	}

	@Bean
	@ConditionalOnMissingBean
	Responder busResponder(EnvelopeSender envelopeSender, EnvelopeFactory envelopeFactory, BusProperties properties,
			ObjectProvider<BusObservations> busObservations) {
		return new Responder(envelopeSender, envelopeFactory, properties.getListener().getFailureMessageMaxLength(),
				busObservations.getIfAvailable(() -> BusObservations.NONE));
	}

}

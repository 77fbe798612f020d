package dev.bus.autoconfigure;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.inbox.Inbox;
import dev.bus.listener.BusListenerAnnotationBeanPostProcessor;
import dev.bus.listener.BusListenerRegistrar;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.listener.DeadLetterReplayer;
import dev.bus.listener.FailurePublisher;
import dev.bus.listener.DeliveryTracing;
import dev.bus.listener.ListenerObserver;
import dev.bus.listener.PayloadDecoder;
import dev.bus.publisher.ConfirmingPublisher;

/**
 * Listening: finds {@code @BusListener} methods, declares their queues and runs a listener container for each.
 */
@AutoConfiguration(after = BusAutoConfiguration.class)
@ConditionalOnBean(ConfirmingPublisher.class)
@ConditionalOnProperty(name = "bus.listener.enabled", havingValue = "true", matchIfMissing = true)
public final class BusListenerAutoConfiguration {

	@Bean
	static BusListenerAnnotationBeanPostProcessor busListenerAnnotationBeanPostProcessor(BeanFactory beanFactory) {
		return new BusListenerAnnotationBeanPostProcessor(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	BusTopology busTopology(ConnectionFactory connectionFactory, BusProperties properties) {
		// An admin of Bus's own, not a bean: a RabbitAdmin bean would also declare every Declarable in the context.
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.setAutoStartup(false);
		BusTopology topology = new BusTopology(admin, properties.getExchange(),
				properties.getListener().getQueueType(), properties.getListener().getDeliveryLimit());
		connectionFactory.addConnectionListener(topology);
		return topology;
	}

	@Bean
	@ConditionalOnMissingBean
	BusListenerRegistry busListenerRegistry(ConnectionFactory connectionFactory, BusTopology topology,
			BusProperties properties) {
		return new BusListenerRegistry(connectionFactory, topology, properties.getListener());
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadDecoder busPayloadDecoder(ObjectProvider<JsonMapper> jsonMapper, BusProperties properties) {
		return new PayloadDecoder(jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getListener().getMaxMessageSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	FailurePublisher busFailurePublisher(ConfirmingPublisher confirmingPublisher, BusProperties properties) {
		return new FailurePublisher(confirmingPublisher, properties.getPublisher().getConfirmTimeout(),
				properties.getListener().getFailureMessageMaxLength());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetterReplayer busDeadLetterReplayer(ConnectionFactory connectionFactory,
			ConfirmingPublisher confirmingPublisher, BusProperties properties) {
		return new DeadLetterReplayer(connectionFactory, confirmingPublisher,
				properties.getPublisher().getConfirmTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	BusListenerRegistrar busListenerRegistrar(BusListenerRegistry registry, BusProperties properties,
			Environment environment, PayloadDecoder decoder, FailurePublisher failures,
			ObjectProvider<ListenerObserver> observer, Inbox inbox, ObjectProvider<DeliveryTracing> tracing) {
		return new BusListenerRegistrar(registry, properties.getListener(), environment, decoder, failures,
				observer.getIfAvailable(() -> ListenerObserver.NONE), inbox,
				tracing.getIfAvailable(() -> DeliveryTracing.NONE));
	}

}

package dev.bus.testkit.inprocess;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.util.StringUtils;

import dev.bus.autoconfigure.BusProperties;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.ListenerContainerFactory;
import dev.bus.reply.PendingReplies;
import dev.bus.testkit.BusTestProperties;
import dev.bus.testkit.PlainClient;
import dev.bus.testkit.broker.InProcessBroker;
import dev.bus.testkit.security.OtherServices;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.QueueReader;

/**
 * The application over Bus's in-process transport, no broker process: an
 * {@link InProcessBroker} that Bus's topology and the application's declarables are
 * declared into, {@link InProcessSender} at the publish seam,
 * {@link InProcessListenerContainer}s at the listener seam, and a connection factory that
 * never connects. Switched on by {@code @AutoConfigureBusTest(inProcess = true)}; runs
 * before Boot's and Bus's AMQP auto-configurations, which then back off.
 */
@AutoConfiguration(beforeName = { "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
		"dev.bus.autoconfigure.BusAutoConfiguration", "dev.bus.autoconfigure.BusListenerAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration" })
@ConditionalOnBooleanProperty("bus.test.in-process")
@EnableConfigurationProperties({ BusProperties.class, RabbitProperties.class, BusTestProperties.class })
public final class BusInProcessAutoConfiguration {

	@Bean(destroyMethod = "close")
	InProcessBroker busInProcessBroker() {
		return new InProcessBroker();
	}

	@Bean
	ConnectionFactory busInProcessConnectionFactory(RabbitProperties rabbit) {
		return new NoBrokerConnectionFactory(rabbit.determineUsername());
	}

	/** Bus's admin, declaring into the in-process broker. */
	@Bean(defaultCandidate = false)
	RabbitAdmin busAmqpAdmin(ConnectionFactory connectionFactory, InProcessBroker broker,
			ListableBeanFactory beanFactory) {
		return new InProcessAdmin(connectionFactory, broker, beanFactory);
	}

	/**
	 * The broker user the application is ({@code bus.test.broker.user}, by default
	 * {@code spring.rabbitmq.username}) with its write scopes
	 * ({@code bus.test.broker.scopes}): in place of the one a broker token or certificate
	 * would give it, which needs a broker.
	 */
	@Bean
	@Primary
	BrokerAccess busInProcessBrokerUser(BusTestProperties test, RabbitProperties rabbit, BusProperties properties) {
		String user = StringUtils.hasText(test.getBroker().getUser()) ? test.getBroker().getUser()
				: rabbit.determineUsername();
		String virtualHost = rabbit.determineVirtualHost();
		return new InProcessBrokerUser(user, test.getBroker().getScopes(),
				properties.getSecurity().getBrokerToken().getResourceServerId(),
				(virtualHost != null) ? virtualHost : "/");
	}

	/** Its messages carry its broker user as {@code user_id}. */
	@Bean
	EnvelopeSender busEnvelopeSender(InProcessBroker broker, BrokerAccess busInProcessBrokerUser,
			PendingReplies busPendingReplies) {
		return new InProcessSender(broker, busInProcessBrokerUser.userId(), busPendingReplies::deliver);
	}

	/**
	 * Other services send into the in-process broker as their own broker users, and
	 * consume from it.
	 */
	@Bean
	OtherServices.Transport busInProcessOtherServices(InProcessBroker broker, BusProperties properties) {
		return new InProcessOtherServices(broker, properties.getExchange());
	}

	/** A plain client publishing into the in-process broker (without {@code user_id}). */
	@Bean
	PlainClient busTestPlainClient(InProcessBroker broker, BusProperties properties) {
		return new PlainClient(broker::publish, properties.getExchange());
	}

	/** Dead-letter replays and hold releases read the in-process broker's queues. */
	@Bean
	QueueReader busQueueReader(InProcessBroker broker) {
		return new InProcessQueueReader(broker);
	}

	@Bean
	ListenerContainerFactory busListenerContainerFactory(InProcessBroker broker, BusProperties properties) {
		return (listener, messageListener) -> new InProcessListenerContainer(broker, listener.queue(),
				BusListenerRegistry.Concurrency.parse(listener.concurrency()).max(), listener.prefetch(),
				messageListener::handle, properties.getListener().getShutdownTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class InProcessHealth {

		/** In place of Boot's broker check, which would find no broker. */
		@Bean
		HealthIndicator rabbitHealthContributor() {
			return () -> Health.up().withDetail("transport", "in-process").build();
		}

	}

}

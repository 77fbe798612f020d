package dev.bus.autoconfigure;

import java.util.List;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionNameStrategy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.CachingConnectionFactoryConfigurer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Lets Bus's concerns customize the connection factory Spring Boot creates, and only that
 * one, through Boot's own seam: the {@link CachingConnectionFactoryConfigurer} Boot
 * applies to its factory. Bus's configurer does what Boot's does, then applies every
 * {@link BusConnectionFactoryCustomizer} bean. A connection factory the application
 * defines itself is never touched; an application that defines its own configurer keeps
 * it (and then configures the dispatch executor and sidecar addresses itself, if it wants
 * them).
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class)
@ConditionalOnClass(CachingConnectionFactory.class)
@EnableConfigurationProperties(RabbitProperties.class)
public final class BusConnectionFactoryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CachingConnectionFactoryConfigurer rabbitConnectionFactoryConfigurer(RabbitProperties properties,
			RabbitConnectionDetails connectionDetails, ObjectProvider<ConnectionNameStrategy> connectionNameStrategy,
			ObjectProvider<BusConnectionFactoryCustomizer> customizers, Environment environment) {
		CachingConnectionFactoryConfigurer configurer = new CustomizingConfigurer(properties, connectionDetails,
				customizers.orderedStream().toList(),
				environment.containsProperty("bus.security.broker-token.registration"));
		configurer.setConnectionNameStrategy(connectionNameStrategy.getIfUnique());
		return configurer;
	}

	/** Boot's configuration, then Bus's customizers. */
	static final class CustomizingConfigurer extends CachingConnectionFactoryConfigurer {

		private static final Log logger = LogFactory.getLog(BusConnectionFactoryAutoConfiguration.class);

		private final List<BusConnectionFactoryCustomizer> customizers;

		private final boolean brokerTokens;

		CustomizingConfigurer(RabbitProperties properties, RabbitConnectionDetails connectionDetails,
				List<BusConnectionFactoryCustomizer> customizers, boolean brokerTokens) {
			super(properties, connectionDetails);
			this.customizers = customizers;
			this.brokerTokens = brokerTokens;
		}

		@Override
		public void configure(CachingConnectionFactory connectionFactory, RabbitProperties properties) {
			super.configure(connectionFactory, properties);
			this.customizers.forEach((customizer) -> customizer.customize(connectionFactory));
			logger.info("Broker connections: "
					+ describe(connectionFactory.getRabbitConnectionFactory(), properties, this.brokerTokens));
		}

		/**
		 * How the connections are secured, said once at start-up: spring-amqp's
		 * connection lines show {@code amqp://<username>@...} whatever the login, which
		 * with a certificate or a token is not the broker user.
		 */
		static String describe(ConnectionFactory factory, RabbitProperties properties, boolean brokerTokens) {
			RabbitProperties.Ssl ssl = properties.getSsl();
			String hostnames = ssl.isVerifyHostname() ? " with hostname verification"
					: " WITHOUT hostname verification";
			String transport = ssl.determineEnabled() ? "TLS" + hostnames : "no TLS";
			String login = (factory.getSaslConfig() == DefaultSaslConfig.EXTERNAL)
					? "login with the TLS client certificate (SASL EXTERNAL; its common name is the broker user)"
					: brokerTokens ? "login with OAuth2 tokens (bus.security.broker-token)"
							: "login with user name and password";
			return transport + ", " + login;
		}

	}

}

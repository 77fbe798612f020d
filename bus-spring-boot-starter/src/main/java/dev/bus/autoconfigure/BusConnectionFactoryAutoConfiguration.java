package dev.bus.autoconfigure;

import java.util.List;

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

/**
 * Lets Bus's concerns customize the connection factory Spring Boot creates, and only that one, through Boot's own
 * seam: the {@link CachingConnectionFactoryConfigurer} Boot applies to its factory. Bus's configurer does what
 * Boot's does, then applies every {@link BusConnectionFactoryCustomizer} bean. A connection factory the
 * application defines itself is never touched; an application that defines its own configurer keeps it (and
 * then configures the dispatch executor and sidecar addresses itself, if it wants them).
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class)
@ConditionalOnClass(CachingConnectionFactory.class)
@EnableConfigurationProperties(RabbitProperties.class)
public final class BusConnectionFactoryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CachingConnectionFactoryConfigurer rabbitConnectionFactoryConfigurer(RabbitProperties properties,
			RabbitConnectionDetails connectionDetails, ObjectProvider<ConnectionNameStrategy> connectionNameStrategy,
			ObjectProvider<BusConnectionFactoryCustomizer> customizers) {
		CachingConnectionFactoryConfigurer configurer = new CustomizingConfigurer(properties, connectionDetails,
				customizers.orderedStream().toList());
		configurer.setConnectionNameStrategy(connectionNameStrategy.getIfUnique());
		return configurer;
	}

	/** Boot's configuration, then Bus's customizers. */
	static final class CustomizingConfigurer extends CachingConnectionFactoryConfigurer {

		private final List<BusConnectionFactoryCustomizer> customizers;

		CustomizingConfigurer(RabbitProperties properties, RabbitConnectionDetails connectionDetails,
				List<BusConnectionFactoryCustomizer> customizers) {
			super(properties, connectionDetails);
			this.customizers = customizers;
		}

		@Override
		public void configure(CachingConnectionFactory connectionFactory, RabbitProperties properties) {
			super.configure(connectionFactory, properties);
			this.customizers.forEach((customizer) -> customizer.customize(connectionFactory));
		}

	}

}

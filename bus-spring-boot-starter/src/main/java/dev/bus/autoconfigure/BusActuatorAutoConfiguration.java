package dev.bus.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.core.TopicPattern;
import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.listener.DeadLetterReplayer;
import dev.bus.publisher.BatchingBusPublisher;
import dev.bus.publisher.ConfirmingPublisher;
import dev.bus.security.RequiredScopes;

/**
 * Actuator support: the {@code bus} endpoint and the {@code bus} health indicator.
 */
@AutoConfiguration(after = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class })
@ConditionalOnBean(ConfirmingPublisher.class)
public final class BusActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnAvailableEndpoint(BusEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BusEndpoint busEndpoint(ObjectProvider<BusListenerRegistry> registry, ConfirmingPublisher publisher,
				ObjectProvider<BatchingBusPublisher> batching, ObjectProvider<DeadLetterReplayer> replayer,
				BusProperties properties, Environment environment, RabbitConnectionDetails connectionDetails) {
			List<TopicPattern> tokenTopics = properties.getSecurity()
				.getMessageToken()
				.getTopics()
				.stream()
				.map(TopicPattern::of)
				.toList();
			RequiredScopes requiredScopes = new RequiredScopes(
					properties.getSecurity().getBrokerToken().getResourceServerId(), connectionDetails.getVirtualHost(),
					properties.getExchange(), tokenTopics);
			return new BusEndpoint(registry.getIfAvailable(), publisher,
					new BusEndpointBody.Publisher(properties.getExchange(),
							BusAutoConfiguration.source(properties, environment), batching.getIfAvailable() != null,
							properties.getPublisher().getConfirmTimeout().toMillis(), 0, List.of()),
					replayer.getIfAvailable(), requiredScopes);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean(BusListenerRegistry.class)
	@ConditionalOnEnabledHealthIndicator("bus")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busHealthIndicator")
		BusListenersHealthIndicator busHealthIndicator(BusListenerRegistry registry, BusTopology topology) {
			return new BusListenersHealthIndicator(registry, topology);
		}

	}

}

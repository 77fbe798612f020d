package dev.bus.autoconfigure;

import java.util.List;
import java.util.function.Function;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;

import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.actuate.HealthDependentListeners;
import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.failure.DeadLetterBrowser;
import dev.bus.failure.DeadLetterReplayer;
import dev.bus.publisher.BatchingBusPublisher;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.Holds;
import dev.bus.security.ApplicationScopes;
import dev.bus.support.PeriodicTask;

/**
 * Actuator support: the {@code bus} endpoint and the {@code bus} health indicator.
 */
@AutoConfiguration(after = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class })
@ConditionalOnBean(EnvelopeSender.class)
public final class BusActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnAvailableEndpoint(BusEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BusEndpoint busEndpoint(ObjectProvider<BusListenerRegistry> registry, EnvelopeSender publisher,
				ObjectProvider<BatchingBusPublisher> batching, ObjectProvider<DeadLetterReplayer> replayer,
				ObjectProvider<DeadLetterBrowser> browser, BusProperties properties, Environment environment,
				ObjectProvider<Holds> holds, ApplicationScopes scopes, BusTopology topology,
				RabbitConnectionDetails connectionDetails) {
			return new BusEndpoint(registry.getIfAvailable(), publisher,
					new BusEndpointBody.Publisher(properties.getExchange(),
							BusAutoConfiguration.source(properties, environment), batching.getIfAvailable() != null,
							properties.getPublisher().getConfirmTimeout().toMillis(), 0, List.of()),
					replayer.getIfAvailable(), browser.getIfAvailable(), scopes, holds.getIfAvailable(), topology,
					connectionDetails.getVirtualHost());
		}

	}

	/**
	 * Listeners that pause while a health indicator they depend on is down
	 * ({@code pauseWhenDown}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnBean(BusListenerRegistry.class)
	static class HealthDependentListenersConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busHealthDependentListeners")
		PeriodicTask busHealthDependentListeners(BusListenerRegistry registry,
				ObjectProvider<HealthContributorRegistry> healthRegistry, ListableBeanFactory beans,
				@Qualifier("busTaskScheduler") TaskScheduler busTaskScheduler, BusProperties properties) {
			Function<String, Status> statusOf = (name) -> status(contributor(name, healthRegistry, beans));
			return new PeriodicTask("Health-dependent listeners", new HealthDependentListeners(registry, statusOf),
					busTaskScheduler, properties.getListener().getHealthCheckInterval());
		}

		/**
		 * From Boot's health registry when the application has one (actuator), else from
		 * the indicator beans.
		 */
		private static HealthContributor contributor(String name, ObjectProvider<HealthContributorRegistry> registry,
				ListableBeanFactory beans) {
			HealthContributorRegistry contributors = registry.getIfAvailable();
			if (contributors != null) {
				return contributors.getContributor(name);
			}
			for (String bean : List.of(name, name + "HealthIndicator")) {
				if (beans.containsBean(bean) && beans.isTypeMatch(bean, HealthContributor.class)) {
					return beans.getBean(bean, HealthContributor.class);
				}
			}
			return null;
		}

		/** DOWN when it or any contributor it composes is down; {@code null} for none. */
		private static Status status(HealthContributor contributor) {
			if (contributor instanceof HealthIndicator indicator) {
				return indicator.health(false).getStatus();
			}
			if (contributor instanceof CompositeHealthContributor composite) {
				return composite.stream()
					.map((entry) -> status(entry.contributor()))
					.filter((status) -> Status.DOWN.equals(status) || Status.OUT_OF_SERVICE.equals(status))
					.findFirst()
					.orElse(Status.UP);
			}
			return null;
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

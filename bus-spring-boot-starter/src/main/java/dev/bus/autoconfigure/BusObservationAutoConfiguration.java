package dev.bus.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.observation.BusDeliveryObservationConvention;
import dev.bus.observation.BusObservations;
import dev.bus.observation.BusPublishObservationConvention;
import dev.bus.observation.TopicTags;
import dev.bus.tracing.NoSpansForBusObservations;

/**
 * Bus's observations ({@code bus.publish}, {@code bus.delivery}) in the application's
 * {@link ObservationRegistry}, which Boot gives a meter handler when it has metrics; with
 * no registry they cost nothing. A {@link BusPublishObservationConvention} or
 * {@link BusDeliveryObservationConvention} bean replaces the default one.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@EnableConfigurationProperties(BusProperties.class)
public final class BusObservationAutoConfiguration {

	/**
	 * The bound on the {@code topic} tag of every Bus meter
	 * ({@code bus.metrics.max-topics}).
	 */
	@Bean
	@ConditionalOnMissingBean
	TopicTags busTopicTags(BusProperties properties) {
		return new TopicTags(properties.getMetrics().getMaxTopics());
	}

	@Bean
	@ConditionalOnMissingBean
	BusObservations busObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<BusPublishObservationConvention> publishConvention,
			ObjectProvider<BusDeliveryObservationConvention> deliveryConvention, TopicTags busTopicTags) {
		return new BusObservations(registry.getIfUnique(() -> ObservationRegistry.NOOP),
				publishConvention.getIfUnique(), deliveryConvention.getIfUnique(), busTopicTags);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TracingObservationHandler.class)
	static class MicrometerTracingConfiguration {

		@Bean
		NoSpansForBusObservations noSpansForBusObservations() {
			return new NoSpansForBusObservations();
		}

	}

}

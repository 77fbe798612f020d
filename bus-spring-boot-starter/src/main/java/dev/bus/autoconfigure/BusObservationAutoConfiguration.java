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
import dev.bus.observation.BusObservationHandler;
import dev.bus.observation.BusObservations;
import dev.bus.observation.BusPublishObservationConvention;
import dev.bus.observation.TopicTags;
import dev.bus.tracing.NoSpansForBusObservations;

/**
 * Bus's observations ({@code bus.publish}, {@code bus.delivery}), the one point Bus is
 * instrumented at: in the application's {@link ObservationRegistry}, to which Boot adds
 * Bus's handlers (its meters, {@link BusMetricsAutoConfiguration}; its spans,
 * {@link BusTracingAutoConfiguration}) as it adds every handler bean. An application
 * without a registry gets one of Bus's own with Bus's handlers in it; with neither, the
 * observations cost nothing. A {@link BusPublishObservationConvention} or
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
			ObjectProvider<BusObservationHandler> handlers,
			ObjectProvider<BusPublishObservationConvention> publishConvention,
			ObjectProvider<BusDeliveryObservationConvention> deliveryConvention, TopicTags busTopicTags) {
		return new BusObservations(registry.getIfUnique(() -> registryOf(handlers)), publishConvention.getIfUnique(),
				deliveryConvention.getIfUnique(), busTopicTags);
	}

	private static ObservationRegistry registryOf(ObjectProvider<BusObservationHandler> handlers) {
		return (handlers.iterator().hasNext()) ? BusObservations.registryOf(handlers.orderedStream())
				: ObservationRegistry.NOOP;
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

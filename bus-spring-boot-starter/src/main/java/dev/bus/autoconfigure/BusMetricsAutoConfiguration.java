package dev.bus.autoconfigure;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.bus.actuate.HealthDependentListeners;
import dev.bus.discovery.SidecarMaintenance;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.metrics.BusMeterObservationHandler;
import dev.bus.metrics.ListenerMeters;
import dev.bus.metrics.MicrometerBusMetrics;
import dev.bus.observation.TopicTags;

/**
 * Micrometer meters for the outbox relay and routing rules, when the application has a
 * {@link MeterRegistry} (publishes and deliveries are observations:
 * {@link BusObservationAutoConfiguration}).
 */
@AutoConfiguration(before = BusAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(BusProperties.class)
public final class BusMetricsAutoConfiguration {

	/**
	 * Times Bus's observations, ahead of Micrometer's default handler (see its javadoc
	 * for why).
	 */
	@Bean
	@ConditionalOnMissingBean
	BusMeterObservationHandler busMeterObservationHandler(MeterRegistry meterRegistry) {
		return new BusMeterObservationHandler(meterRegistry);
	}

	/**
	 * {@code bus.listener.consumers} and {@code bus.listener.paused} per listener and
	 * cause (the causes' names are constants, inlined: no class of theirs is loaded).
	 */
	@Bean
	@ConditionalOnMissingBean
	ListenerMeters busListenerMeters(MeterRegistry meterRegistry, ObjectProvider<BusListenerRegistry> listeners) {
		return new ListenerMeters(meterRegistry, listeners::getIfAvailable,
				List.of(HealthDependentListeners.CAUSE, SidecarMaintenance.CAUSE));
	}

	@Bean
	@ConditionalOnMissingBean
	MicrometerBusMetrics busMetrics(MeterRegistry meterRegistry, TopicTags busTopicTags) {
		return new MicrometerBusMetrics(meterRegistry, busTopicTags);
	}

}

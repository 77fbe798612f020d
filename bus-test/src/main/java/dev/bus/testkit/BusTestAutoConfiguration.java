package dev.bus.testkit;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.bus.observation.BusObservationHandler;
import dev.bus.observation.BusObservations;

/**
 * The harness, fed by Bus's observations: added to the application's
 * {@link ObservationRegistry}, or to one of its own when the application has none (Bus
 * then observes into it; without the kit, it observes nothing). Imported by
 * {@link AutoConfigureBusTest} only, and refused outside a Spring test.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		beforeName = "dev.bus.autoconfigure.BusObservationAutoConfiguration")
@EnableConfigurationProperties(BusTestProperties.class)
public final class BusTestAutoConfiguration {

	/**
	 * Set in every context Spring's test framework builds
	 * ({@link BusTestContextCustomizerFactory}).
	 */
	public static final String TEST_CONTEXT = "bus.test.internal.test-context";

	@Bean
	@ConditionalOnMissingBean
	BusTestHarness busTestHarness(Environment environment, BusTestProperties properties) {
		if (!environment.getProperty(TEST_CONTEXT, Boolean.class, false)) {
			throw new IllegalStateException("BusTestHarness is for tests: it records every message the application "
					+ "publishes and receives, and starts only in a Spring test (@SpringBootTest with "
					+ "@AutoConfigureBusTest). Give dev.bus:bus-test the test scope, and remove "
					+ "@AutoConfigureBusTest or BusTestAutoConfiguration from the application's own configuration");
		}
		return new BusTestHarness(properties.getAwaitTimeout());
	}

	/**
	 * A plain client over the broker the application uses, with its connection factory
	 * (the in-process configuration, which runs first, brings its own).
	 */
	@Bean
	@ConditionalOnMissingBean
	PlainClient busTestPlainClient(ObjectProvider<ConnectionFactory> connectionFactory, Environment environment) {
		// the connection factory is looked up on the first send: a test that never sends
		// needs none
		return new PlainClient((exchange, routingKey, message) -> new RabbitTemplate(connectionFactory.getObject())
			.send(exchange, routingKey, message), environment.getProperty("bus.exchange", "bus"));
	}

	@Bean
	@ConditionalOnMissingBean
	ObservationRegistry busTestObservationRegistry(ObjectProvider<BusObservationHandler> busHandlers) {
		// as Bus's own registry would be: its meters and spans, when on, observe into it
		return BusObservations.registryOf(busHandlers.orderedStream());
	}

	@Bean
	static BeanPostProcessor busTestHarnessObservations(ObjectProvider<BusTestHarness> harness) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ObservationRegistry registry && registry != ObservationRegistry.NOOP) {
					registry.observationConfig().observationHandler(new HarnessObservationHandler(harness.getObject()));
				}
				return bean;
			}

		};
	}

}

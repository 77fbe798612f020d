package dev.bus.test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.autoconfigure.BusActuatorAutoConfiguration;
import dev.bus.autoconfigure.BusAsyncApiAutoConfiguration;
import dev.bus.autoconfigure.BusAutoConfiguration;
import dev.bus.autoconfigure.BusBrokerTokenAutoConfiguration;
import dev.bus.autoconfigure.BusCertificateLoginAutoConfiguration;
import dev.bus.autoconfigure.BusConnectionFactoryAutoConfiguration;
import dev.bus.autoconfigure.BusEncryptionAutoConfiguration;
import dev.bus.autoconfigure.BusInboxAutoConfiguration;
import dev.bus.autoconfigure.BusMessageTokenAutoConfiguration;
import dev.bus.autoconfigure.BusListenerAutoConfiguration;
import dev.bus.autoconfigure.BusMetricsAutoConfiguration;
import dev.bus.autoconfigure.BusObservationAutoConfiguration;
import dev.bus.autoconfigure.BusOutboxAutoConfiguration;
import dev.bus.autoconfigure.BusSidecarAutoConfiguration;
import dev.bus.autoconfigure.BusTracingAutoConfiguration;
import dev.bus.listener.BusListenerRegistry;

import static org.awaitility.Awaitility.await;

/**
 * Spring applications with Bus auto-configured against the real broker. Each test uses
 * its own exchange name (and so its own queues) so tests never see each other's messages.
 */
public final class BusContexts {

	private BusContexts() {
	}

	/**
	 * Spring Security's web auto-configurations, which the test classpath has: a web app
	 * of the tests whose web side is only its actuator excludes them.
	 */
	public static final List<String> WEB_SECURITY_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.servlet."
					+ "ManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.oauth2.client.autoconfigure.servlet."
					+ "OAuth2ClientWebSecurityAutoConfiguration");

	public static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Starts an application on the real broker.
	 * @param exchange bus exchange name
	 * @param applicationName {@code spring.application.name}, the default listener group
	 * @param sources extra configuration or bean classes
	 * @param properties extra {@code key=value} properties
	 */
	public static ConfigurableApplicationContext start(String exchange, String applicationName, List<Class<?>> sources,
			String... properties) {
		Rabbit.requireRunning();
		List<Class<?>> all = new ArrayList<>(sources);
		all.add(0, BusTestApplication.class);
		List<String> allProperties = new ArrayList<>(List.of("spring.rabbitmq.host=" + Rabbit.HOST,
				"spring.rabbitmq.port=" + Rabbit.PORT, "spring.application.name=" + applicationName,
				"bus.exchange=" + exchange, "bus.listener.shutdown-timeout=5s", "bus.publisher.confirm-timeout=5s",
				"spring.main.banner-mode=off", "bus.tracing.enabled=false"));
		allProperties.addAll(List.of(properties));
		return new SpringApplicationBuilder(all.toArray(Class<?>[]::new)).web(WebApplicationType.NONE)
			.properties(allProperties.toArray(String[]::new))
			.run();
	}

	/** Waits until every listener of every context has a consumer on its queue. */
	public static void awaitConsuming(ConfigurableApplicationContext... contexts) {
		for (ConfigurableApplicationContext context : contexts) {
			await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> context.getBean(BusListenerRegistry.class)
					.registrations()
					.stream()
					.allMatch((registration) -> registration.activeConsumers() > 0));
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
			SslAutoConfiguration.class, OAuth2ClientAutoConfiguration.class, BusBrokerTokenAutoConfiguration.class,
			BusMessageTokenAutoConfiguration.class, BusCertificateLoginAutoConfiguration.class,
			BusConnectionFactoryAutoConfiguration.class, BusEncryptionAutoConfiguration.class,
			ObservationAutoConfiguration.class, MetricsAutoConfiguration.class, BusObservationAutoConfiguration.class,
			BusMetricsAutoConfiguration.class, BusOutboxAutoConfiguration.class, BusAutoConfiguration.class,
			BusInboxAutoConfiguration.class, BusListenerAutoConfiguration.class, BusActuatorAutoConfiguration.class,
			BusSidecarAutoConfiguration.class, BusTracingAutoConfiguration.class, BusAsyncApiAutoConfiguration.class })
	static class BusTestApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}

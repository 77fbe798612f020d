package dev.bus.autoconfigure;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Customizes the {@link CachingConnectionFactory} that Spring Boot auto-configures, and
 * no other: Boot has a customizer for the client library's factory
 * ({@code ConnectionFactoryCustomizer}) but none for spring-amqp's, whose executor and
 * address resolver Bus needs to set. Applied by
 * {@link BusConnectionFactoryAutoConfiguration}, in {@code Ordered} order, after Boot's
 * own configuration.
 */
@FunctionalInterface
public interface BusConnectionFactoryCustomizer {

	void customize(CachingConnectionFactory connectionFactory);

}

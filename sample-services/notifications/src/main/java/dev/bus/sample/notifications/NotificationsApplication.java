package dev.bus.sample.notifications;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.bus.sample.support.SampleSecurity;

/**
 * Sample service that tells customers their stock is reserved. Nobody publishes to it
 * directly: a routing rule (Consul KV {@code bus/routes/notifications},
 * sample-services/routes/notifications.json) copies inventory's
 * {@code inventory.reserved} to {@code notifications.stock-reserved}, and it asks
 * inventory what was reserved with request-reply.
 */
@SpringBootApplication
@Import(SampleSecurity.class)
public class NotificationsApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The service with its configuration, {@code notifications.properties}: named after
	 * the service, so that the sample services can run in one JVM (the sample system
	 * test) without reading each other's.
	 */
	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(NotificationsApplication.class);
		application.setDefaultProperties(Map.of("spring.config.name", "notifications"));
		return application;
	}

}

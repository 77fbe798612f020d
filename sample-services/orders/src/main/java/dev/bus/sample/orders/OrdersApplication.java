package dev.bus.sample.orders;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.bus.sample.support.SampleSecurity;

/**
 * Sample service that takes orders over HTTP and publishes {@code orders.created}; it
 * hears back from inventory on {@code inventory.reserved}.
 */
@SpringBootApplication
@Import(SampleSecurity.class)
@EnableScheduling
public class OrdersApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The service with its configuration, {@code orders.properties}: named after the
	 * service, so that both services can run in one JVM (the sample system test) without
	 * reading each other's.
	 */
	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(OrdersApplication.class);
		application.setDefaultProperties(Map.of("spring.config.name", "orders"));
		return application;
	}

}

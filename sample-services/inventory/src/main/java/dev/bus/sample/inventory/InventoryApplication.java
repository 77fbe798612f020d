package dev.bus.sample.inventory;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.bus.sample.support.SampleSecurity;

/**
 * Sample service that reserves stock for every new order and reports back on
 * {@code inventory.reserved}.
 */
@SpringBootApplication
@Import(SampleSecurity.class)
public class InventoryApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The service with its configuration, {@code inventory.properties}: named after the
	 * service, so that both services can run in one JVM (the sample system test) without
	 * reading each other's.
	 */
	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(InventoryApplication.class);
		application.setDefaultProperties(Map.of("spring.config.name", "inventory"));
		return application;
	}

}

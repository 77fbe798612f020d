package dev.bus.sidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The Bus sidecar: one per pod, beside the app, never in the message path. It registers the app in Consul with
 * a TTL check that follows the app's health, watches Consul for the services and broker nodes the app needs, and
 * serves them on a loopback API. No auto-configuration and no component scanning: the beans are listed in
 * {@link SidecarConfiguration}, which keeps start-up short (the sidecar starts in every pod).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@Import(SidecarConfiguration.class)
public class SidecarApplication {

	public static void main(String[] args) {
		SpringApplication.run(SidecarApplication.class, args);
	}

}

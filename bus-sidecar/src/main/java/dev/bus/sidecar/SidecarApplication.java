package dev.bus.sidecar;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The Bus sidecar: one per pod, beside the app, never in the message path. It registers
 * the app in Consul with a TTL check that follows the app's health, watches Consul for
 * the services and broker nodes the app needs, and serves them on a loopback API. No
 * auto-configuration besides SSL bundles, and no component scanning: the beans are listed
 * in {@link SidecarConfiguration}, which keeps start-up short (the sidecar starts in
 * every pod).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@Import(SidecarConfiguration.class)
// spring.ssl.bundle.*, for TLS to Consul as in the app
@ImportAutoConfiguration(SslAutoConfiguration.class)
public class SidecarApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The sidecar application with its defaults (no banner, no JMX: both cost start-up
	 * time), which any property source overrides.
	 */
	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(SidecarApplication.class);
		// Its HTTP listeners are the JDK's; never a servlet container, even if one is on
		// the classpath.
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.application.name", "bus-sidecar", "spring.main.banner-mode",
				"off", "spring.jmx.enabled", "false"));
		return application;
	}

}

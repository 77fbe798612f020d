package dev.bus.sidecar.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.SidecarApplication;
import dev.bus.sidecar.web.SidecarHttpServer;

/**
 * Starts real sidecars in the test JVM, on free ports, with short timings so tests stay
 * quick.
 */
public final class Sidecars {

	private Sidecars() {
	}

	public static ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("bus.sidecar.api.port=0", "bus.sidecar.management.port=0",
				"bus.sidecar.telemetry.port=0", "bus.sidecar.management.address=127.0.0.1",
				"bus.sidecar.registration.ttl=3s", "bus.sidecar.registration.drain-time=1s",
				"bus.sidecar.registration.max-backoff=1s", "bus.sidecar.discovery.wait=5s",
				// the agents of the tests are development agents; tests of the ACL check
				// set it false
				"bus.sidecar.consul.development=true"));
		all.addAll(List.of(properties));
		// a test's own value replaces the default above
		Map<String, String> merged = new LinkedHashMap<>();
		all.forEach((property) -> merged.put(property.substring(0, property.indexOf('=')), property));
		SpringApplication application = SidecarApplication.application();
		application.setRegisterShutdownHook(false);
		return application.run(merged.values().stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	/** Base URL of the sidecar's local API. */
	public static String api(ConfigurableApplicationContext sidecar) {
		return "http://127.0.0.1:" + sidecar.getBean("localApiServer", SidecarHttpServer.class).address().getPort();
	}

	/** Where the sidecar receives OTLP/HTTP spans. */
	public static String otlpTraces(ConfigurableApplicationContext sidecar) {
		return "http://127.0.0.1:" + sidecar.getBean("telemetryServer", SidecarHttpServer.class).address().getPort()
				+ "/v1/traces";
	}

	public static String management(ConfigurableApplicationContext sidecar) {
		return "http://127.0.0.1:" + sidecar.getBean("managementServer", SidecarHttpServer.class).address().getPort();
	}

}

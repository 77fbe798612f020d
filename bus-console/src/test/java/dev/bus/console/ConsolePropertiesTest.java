package dev.bus.console;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad console setting fails start-up with an error that names the property. */
class ConsolePropertiesTest {

	@Test
	void theDefaultsBind() {
		ConsoleProperties properties = bind(Map.of());
		assertThat(properties.routingPrefix()).isEqualTo("bus/routes/");
		assertThat(properties.traceLink("abc")).isEqualTo("http://127.0.0.1:16686/trace/abc");
		assertThat(properties.consulToken()).isNull();
		assertThat(properties.appsRegistration()).isEqualTo("bus-apps");
		assertThat(bind(Map.of("bus.console.apps-registration", "")).appsRegistration())
			.as("empty: the apps are called without a token")
			.isNull();
	}

	@Test
	void eachBadValueIsNamed() {
		Map<String, String> bad = Map.of("bus.console.trace-url", "http://zipkin/traces", "bus.console.routing-prefix",
				"/bus/routes", "bus.console.dead-letters-shown", "501", "bus.console.apps-timeout", "0s",
				"bus.console.audit-kept", "0", "bus.console.consul-url", "consul:8500");
		bad.forEach((property, value) -> assertThatThrownBy(() -> bind(Map.of(property, value))).as(property)
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageStartingWith(property + " must be"));
	}

	private static ConsoleProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("bus.console",
				ConsoleProperties.class);
	}

}

package dev.bus.sidecar;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid configuration fails start-up with an error that names the property; nothing is
 * contacted first.
 */
class SidecarPropertiesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(SidecarConfiguration.class);

	@Test
	void missingAppPortIsNamed() {
		this.runner.withPropertyValues("bus.sidecar.app.name=orders")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.app.port")
				.hasMessageContaining("the port the app serves on is required"));
	}

	@Test
	void badConsulAddressIsNamed() {
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=8080",
					"bus.sidecar.consul.url=consul:8500")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.consul.url"));
	}

	@Test
	void tooShortTtlAndAnSslBundleOverPlainHttpAreNamed() {
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=8080",
					"bus.sidecar.registration.ttl=200ms", "bus.sidecar.consul.ssl-bundle=consul")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.registration.ttl")
				.hasMessageContaining("bus.sidecar.consul.url")
				.hasMessageContaining("ssl-bundle"));
	}

	@Test
	void anOtlpSslBundleOverPlainHttpOrForZipkinIsNamed() {
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=8080",
					"bus.sidecar.telemetry.ssl-bundle=otlp",
					"bus.sidecar.telemetry.endpoint=http://collector:4318/v1/traces")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.telemetry.endpoint")
				.hasMessageContaining("must be an https URL when bus.sidecar.telemetry.ssl-bundle is set"));
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=8080",
					"bus.sidecar.telemetry.ssl-bundle=otlp", "bus.sidecar.telemetry.exporter=zipkin",
					"bus.sidecar.telemetry.endpoint=https://zipkin:9411/api/v2/spans")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.telemetry.ssl-bundle")
				.hasMessageContaining("applies to the otlp exporter only"));
	}

	@Test
	void theRequestSizeIsADataSizeOrBytesWithinItsBounds() {
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=8080",
					"bus.sidecar.telemetry.max-request-size=512B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.telemetry.max-request-size")
				.hasMessageContaining("between 1KB and 2GB"));
		for (String size : new String[] { "2048", "512KB" }) {
			SidecarProperties properties = new SidecarProperties();
			Binder.get(new MockEnvironment().withProperty("bus.sidecar.telemetry.max-request-size", size))
				.bind("bus.sidecar", Bindable.ofInstance(properties));
			assertThat(properties.getTelemetry().getMaxRequestSize().toBytes()).isIn(2048L, 512L * 1024);
		}
	}

	/**
	 * The chart passes each export header as an environment variable named after it,
	 * dashes kept: the header arrives with its dashes (HTTP header names are
	 * case-insensitive, so lower case is the same header).
	 */
	@Test
	void anExportHeaderFromTheEnvironmentKeepsItsDashes() {
		MockEnvironment environment = new MockEnvironment();
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("BUS_SIDECAR_TELEMETRY_HEADERS_X-SCOPE-ORGID", "tenant-1",
							"BUS_SIDECAR_TELEMETRY_HEADERS_AUTHORIZATION", "Bearer t")));
		TelemetryProperties telemetry = Binder.get(environment)
			.bind("bus.sidecar.telemetry", TelemetryProperties.class)
			.get();
		assertThat(telemetry.getHeaders()).containsEntry("x-scope-orgid", "tenant-1")
			.containsEntry("authorization", "Bearer t");
	}

	@Test
	void aSecretInTheConfigurationNeverReachesTheError() {
		this.runner
			.withPropertyValues("bus.sidecar.app.name=orders", "bus.sidecar.app.port=99999",
					"bus.sidecar.consul.acl-token=s3cr3t-token")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.sidecar.app.port")
				.hasMessageNotContaining("s3cr3t-token"));
	}

}

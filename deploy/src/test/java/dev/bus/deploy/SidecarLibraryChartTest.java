package dev.bus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bus-sidecar library chart, used by a team's own chart
 * ({@code helm/bus-sidecar/example}: a Deployment and a nightly CronJob, nothing of
 * bus-service) as README.md shows: the sidecar, its volumes, the app's environment and
 * the grace period land in the team's pod templates, and what renders is what Kubernetes
 * accepts. bus-service is built on the same templates (BusServiceChartTest).
 */
class SidecarLibraryChartTest {

	static final Path LIBRARY = Path.of("../helm/bus-sidecar").toAbsolutePath().normalize();

	static final Path EXAMPLE = Chart.vendorDependencies(LIBRARY.resolve("example"));

	@Test
	void theLibraryLintsStrict() {
		LintResult result = new Helm(LIBRARY).lint().strict().call();
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
		LintResult example = new Helm(EXAMPLE).lint().strict().call();
		assertThat(example.isFailed()).as(String.join("\n", example.getMessages())).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.29.0", "1.31.0" })
	void aPlainDeploymentGetsTheSidecarAsANativeSidecarAndTheAppItsSettings(String kubernetesVersion) {
		String manifests = render(kubernetesVersion, Map.of());
		assertSchemasAccept(manifests);
		PodSpec pod = one(manifests, Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("bus-sidecar");
		Container sidecar = pod.getInitContainers().get(0);
		assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
		assertThat(sidecar.getImage()).as("the library's appVersion, the Bus release, not the team's chart's")
			.isEqualTo("ghcr.io/bus-dev/bus-sidecar:0.1.0");
		Map<String, EnvVar> sidecarEnv = env(sidecar);
		assertThat(sidecarEnv.get("BUS_SIDECAR_APP_NAME").getValue()).isEqualTo("shop-api");
		assertThat(sidecarEnv.get("BUS_SIDECAR_APP_VERSION").getValue()).as("the team's chart's appVersion")
			.isEqualTo("2.4.1");
		assertThat(sidecarEnv.get("BUS_SIDECAR_CONSUL_ACLTOKEN").getValueFrom().getSecretKeyRef().getName())
			.isEqualTo("shop-api-consul-token");
		assertThat(sidecarEnv.get("BUS_SIDECAR_REGISTRATION_ENABLED").getValue())
			.as("agentless by default: consul-k8s registers")
			.isEqualTo("false");
		assertThat(pod.getContainers()).extracting(Container::getName)
			.as("the team's container, and no other")
			.containsExactly("api");
		Map<String, EnvVar> appEnv = env(pod.getContainers().get(0));
		assertThat(appEnv.get("BUS_SIDECARCLIENT_URL").getValue()).isEqualTo("http://127.0.0.1:4040");
		assertThat(appEnv.get("BUS_TRACING_OTLPENDPOINT").getValue()).isEqualTo("http://127.0.0.1:4318/v1/traces");
		assertThat(appEnv.get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE").getValue()).isEqualTo("15s");
		assertThat(appEnv).as("the team's own variable stays").containsKey("SPRING_APPLICATION_NAME");
		assertThat(pod.getTerminationGracePeriodSeconds()).as("drain 3 + shutdown 2 x 15 + confirms 10 + exit 10")
			.isEqualTo(53L);
		assertThat(pod.getVolumes()).extracting("name").containsExactly("sidecar-tmp");
	}

	@Test
	void beforeKubernetes129TheDeploymentsSidecarIsASecondContainer() {
		String manifests = render("1.28.0", Map.of("export.enabled", "false"));
		assertSchemasAccept(manifests);
		PodSpec pod = one(manifests, Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getInitContainers()).isEmpty();
		assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("api", "bus-sidecar");
		assertThat(pod.getContainers().get(1).getRestartPolicy()).isNull();
	}

	@Test
	void aJobsSidecarIsNativeOrTheRenderFailsSayingWhy() {
		PodSpec pod = one(render("1.30.0", Map.of()), CronJob.class).getSpec()
			.getJobTemplate()
			.getSpec()
			.getTemplate()
			.getSpec();
		assertThat(pod.getInitContainers()).extracting(Container::getRestartPolicy).containsExactly("Always");
		assertThatThrownBy(() -> render("1.28.0", Map.of()))
			.hasMessageContaining("a Job needs the native sidecar (sidecar.mode native, Kubernetes 1.29+)");
	}

	@Test
	void aMissingServiceNameFailsTheRenderNamingTheValue() {
		assertThatThrownBy(() -> render("1.30.0", Map.of("bus-sidecar.serviceName", "")))
			.hasMessageContaining("bus-sidecar: serviceName is required");
	}

	@Test
	void consulOverTlsMountsItsCaInTheSidecar() {
		String manifests = render("1.30.0",
				Map.of("bus-sidecar.consul.tls.secretName", "consul-ca-cert", "bus-sidecar.consul.tls.caKey", "tls.crt",
						"bus-sidecar.consul.url", "https://consul-server.consul.svc:8501"));
		assertSchemasAccept(manifests);
		PodSpec pod = one(manifests, Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getVolumes()).extracting("name").containsExactly("sidecar-tmp", "consul-tls");
		assertThat(env(pod.getInitContainers().get(0)).get("SPRING_SSL_BUNDLE_PEM_CONSUL_TRUSTSTORE_CERTIFICATE")
			.getValue()).isEqualTo("file:/etc/bus/consul-tls/tls.crt");
	}

	/**
	 * The library's defaults are bus-service's: a team's chart and bus-service give the
	 * same sidecar for the same settings.
	 */
	@Test
	void theLibrarysDefaultsAreBusServicesDefaults() throws Exception {
		Map<String, Object> library = Chart.yaml(Files.readString(LIBRARY.resolve("values.yaml")));
		Map<String, Object> service = Chart.yaml(Files.readString(Chart.DIRECTORY.resolve("values.yaml")));
		for (String key : List.of("sidecar", "consul", "tracing", "containerSecurityContext")) {
			assertThat(library.get(key)).as(key).isEqualTo(service.get(key));
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> serviceApp = (Map<String, Object>) service.get("app");
		@SuppressWarnings("unchecked")
		Map<String, Object> libraryApp = (Map<String, Object>) library.get("app");
		libraryApp.forEach((key, value) -> {
			if (!key.equals("version")) {
				assertThat(value).as("app." + key).isEqualTo(serviceApp.get(key));
			}
		});
	}

	private static String render(String kubernetesVersion, Map<String, Object> sets) {
		var template = new Helm(EXAMPLE).template()
			.withName("shop")
			.withNamespace("shop")
			.withKubeVersion(kubernetesVersion);
		sets.forEach(template::set);
		return template.call();
	}

	private static void assertSchemasAccept(String manifests) {
		Chart.SchemaValidation validation = Chart.validateOffline(manifests);
		assertThat(validation.problems()).isEmpty();
		assertThat(validation.skipped()).isEmpty();
	}

	private static <T> T one(String manifests, Class<T> type) {
		List<T> found = Chart.parse(manifests).stream().filter(type::isInstance).map(type::cast).toList();
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	private static Map<String, EnvVar> env(Container container) {
		return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, (variable) -> variable));
	}

}

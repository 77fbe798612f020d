package dev.bus.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The console's chart, {@code helm/bus-console}: lint-clean, every object valid for the
 * Kubernetes API (fabric8's models, the JSON schemas offline, names and labels), the
 * console configured from its values with its secrets by reference, a restricted pod, and
 * the values it cannot run without refused with their names.
 */
class ConsoleChartTest {

	static final Path CHART = Path.of("../helm/bus-console").toAbsolutePath().normalize();

	static final Path EXAMPLE = CHART.resolve("examples/sample-system.yaml");

	@Test
	void lintStrictPassesWithTheExample() {
		LintResult result = Chart.lint(CHART, EXAMPLE);
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	@Test
	void theConsoleRunsAsConfiguredWithItsSecretsByReferenceInARestrictedPod() {
		String manifests = render(Map.of("global.imageRegistry", "mirror.example.com"));
		List<KubernetesResource> objects = Chart.parse(manifests);
		assertThat(objects).extracting((object) -> ((HasMetadata) object).getKind())
			.containsExactlyInAnyOrder("Deployment", "Service");
		for (KubernetesResource object : objects) {
			assertThat(KubernetesNames.problems((HasMetadata) object)).isEmpty();
		}
		Chart.SchemaValidation validation = Chart.validateOffline(manifests);
		assertThat(validation.problems()).isEmpty();
		assertThat(validation.checked()).hasSize(2);

		Deployment deployment = objects.stream()
			.filter(Deployment.class::isInstance)
			.map(Deployment.class::cast)
			.findFirst()
			.orElseThrow();
		Container console = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(console.getImage()).isEqualTo("mirror.example.com/bus-dev/bus-console:0.1.0");
		Map<String, EnvVar> env = console.getEnv()
			.stream()
			.collect(Collectors.toMap(EnvVar::getName, (variable) -> variable));
		assertThat(env.get("BUS_CONSOLE_URL").getValue()).isEqualTo("https://bus-console.example.com");
		assertThat(env.get("BUS_CONSOLE_ISSUER").getValue()).isEqualTo("https://issuer.example.com");
		assertThat(env.get("BUS_CONSOLE_PROMETHEUSURL").getValue()).contains("kube-prometheus-stack");
		assertThat(env.get("BUS_CONSOLE_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName())
			.isEqualTo("bus-console-oauth2-client");
		assertThat(env.get("BUS_CONSOLE_CONSULTOKEN").getValueFrom().getSecretKeyRef().getName())
			.isEqualTo("bus-console-consul-token");
		assertThat(env.values()).as("no secret as a value")
			.noneSatisfy((variable) -> assertThat(variable.getName()).containsAnyOf("SECRET", "TOKEN")
				.satisfies((name) -> assertThat(variable.getValue()).isNotNull()));
		assertThat(console.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(console.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(console.getVolumeMounts()).extracting((mount) -> mount.getMountPath()).containsExactly("/tmp");
		assertThat(console.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
		Service service = objects.stream()
			.filter(Service.class::isInstance)
			.map(Service.class::cast)
			.findFirst()
			.orElseThrow();
		assertThat(service.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port.getPort()).isEqualTo(8090));
	}

	@Test
	void withoutItsUrlOrIssuerOrWithTwoReplicasItIsRefusedNamingTheValue() {
		assertThatThrownBy(() -> new Helm(CHART).template().withName("ops").withKubeVersion("1.30.0").call())
			.hasMessageContaining("url");
		assertThatThrownBy(() -> render(Map.of("replicas", "2"))).as("sessions and audit are in memory")
			.hasMessageContaining("replicas");
		assertThatThrownBy(() -> render(Map.of("traceUrl", "http://jaeger/trace"))).hasMessageContaining("traceUrl");
	}

	private static String render(Map<String, Object> sets) {
		TemplateCommand template = new Helm(CHART).template()
			.withName("ops")
			.withNamespace("ops")
			.withKubeVersion("1.30.0")
			.withValuesFile(EXAMPLE);
		sets.forEach(template::set);
		return template.call();
	}

}

package dev.bus.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kustomize component {@code kustomize/bus-sidecar}, built by kubectl's Kustomize
 * ({@code scripts/infra up} unpacks kubectl): it adds the native sidecar to every
 * Deployment, StatefulSet and Job labelled {@code bus.dev/service} and nothing else, and
 * the sidecar it adds is the one the bus-sidecar library chart renders with its defaults,
 * so the two ways cannot drift apart.
 */
class SidecarKustomizeComponentTest {

	static final Path KUSTOMIZE = Path.of("../kustomize").toAbsolutePath().normalize();

	private static final String APP_NAME_LABEL = "metadata.labels['bus.dev/service']";

	@Test
	void everyLabelledWorkloadGetsTheNativeSidecarWithItsSettingsAndTheOthersNothing() {
		String manifests = build(KUSTOMIZE.resolve("example"));
		assertSchemasAccept(manifests);
		List<KubernetesResource> objects = Chart.parse(manifests);
		ConfigMap settings = named(objects, ConfigMap.class, "bus-sidecar-");
		assertThat(settings.getData()).as("the overlay's patch on the component's settings")
			.containsEntry("BUS_SIDECAR_TELEMETRY_ENDPOINT", "http://otel-collector.observability.svc:4318/v1/traces")
			.containsEntry("BUS_SIDECAR_REGISTRATION_ENABLED", "false");
		Map<String, PodSpec> pods = new LinkedHashMap<>();
		pods.put("shop-api", named(objects, Deployment.class, "shop-api").getSpec().getTemplate().getSpec());
		pods.put("shop-ledger", named(objects, StatefulSet.class, "shop-ledger").getSpec().getTemplate().getSpec());
		pods.put("shop-reindex", named(objects, Job.class, "shop-reindex").getSpec().getTemplate().getSpec());
		pods.forEach((workload, pod) -> {
			assertThat(pod.getInitContainers()).as(workload)
				.extracting(Container::getName)
				.containsExactly("bus-sidecar");
			Container sidecar = pod.getInitContainers().get(0);
			assertThat(sidecar.getRestartPolicy()).as(workload).isEqualTo("Always");
			assertThat(sidecar.getEnvFrom()).as(workload + ": the generated ConfigMap, by its hashed name")
				.extracting((source) -> source.getConfigMapRef().getName())
				.containsExactly(settings.getMetadata().getName());
			assertThat(effectiveEnv(sidecar, Map.of())).as(workload)
				.containsEntry("BUS_SIDECAR_APP_NAME", "fieldRef:" + APP_NAME_LABEL);
			Container app = pod.getContainers().get(0);
			assertThat(app.getName()).as(workload).isEqualTo("app");
			assertThat(effectiveEnv(app, Map.of())).as(workload)
				.containsEntry("BUS_SIDECARCLIENT_URL", "http://127.0.0.1:4040");
			assertThat(pod.getTerminationGracePeriodSeconds()).as(workload).isEqualTo(53L);
			assertThat(pod.getVolumes()).as(workload).extracting("name").contains("sidecar-tmp");
		});
		assertThat(effectiveEnv(pods.get("shop-api").getContainers().get(0), Map.of()))
			.as("the team's own variable stays")
			.containsEntry("SPRING_APPLICATION_NAME", "shop-api");
		assertThat(pods.get("shop-api").getInitContainers().get(0).getEnv()).as("the overlay's per-service token patch")
			.anySatisfy((variable) -> assertThat(variable.getValueFrom().getSecretKeyRef().getName())
				.isEqualTo("shop-api-consul-token"));
		assertThat(pods.get("shop-reindex").getRestartPolicy()).as("the Job's own").isEqualTo("Never");
		PodSpec web = named(objects, Deployment.class, "shop-web").getSpec().getTemplate().getSpec();
		assertThat(web.getInitContainers()).as("not labelled, left alone").isEmpty();
		assertThat(web.getContainers()).extracting(Container::getName).containsExactly("web");
	}

	@Test
	void aPlainDeploymentGetsTheSidecarTheLibraryChartRendersWithItsDefaults() throws IOException {
		Path overlay = Path.of("target/kustomize-plain").toAbsolutePath();
		Files.createDirectories(overlay);
		Files.writeString(overlay.resolve("deployment.yaml"), """
				apiVersion: apps/v1
				kind: Deployment
				metadata:
				  name: orders
				  labels:
				    bus.dev/service: orders
				spec:
				  selector:
				    matchLabels:
				      app: orders
				  template:
				    metadata:
				      labels:
				        app: orders
				        app.kubernetes.io/version: "2.4.1"
				        bus.dev/service: orders
				    spec:
				      containers:
				        - name: app
				          image: registry.example.com/orders:2.4.1
				""");
		Files.writeString(overlay.resolve("kustomization.yaml"), """
				apiVersion: kustomize.config.k8s.io/v1beta1
				kind: Kustomization
				resources:
				  - deployment.yaml
				components:
				  - %s
				""".formatted(overlay.relativize(KUSTOMIZE.resolve("bus-sidecar"))));
		String manifests = build(overlay);
		assertSchemasAccept(manifests);
		List<KubernetesResource> objects = Chart.parse(manifests);
		Map<String, String> settings = named(objects, ConfigMap.class, "bus-sidecar-").getData();
		PodSpec kustomized = named(objects, Deployment.class, "orders").getSpec().getTemplate().getSpec();
		Deployment charted = Chart
			.parse(new Helm(SidecarLibraryChartTest.EXAMPLE).template()
				.withName("shop")
				.withKubeVersion("1.30.0")
				.set("bus-sidecar.serviceName", "orders")
				.set("bus-sidecar.consul.aclToken.secretName", "")
				.set("export.enabled", "false")
				.call())
			.stream()
			.filter(Deployment.class::isInstance)
			.map(Deployment.class::cast)
			.findFirst()
			.orElseThrow();
		PodSpec library = charted.getSpec().getTemplate().getSpec();

		Container sidecar = kustomized.getInitContainers().get(0);
		Container librarySidecar = library.getInitContainers().get(0);
		assertThat(withoutEnv(sidecar)).as("image, command, ports, probes, resources, security, mounts")
			.isEqualTo(withoutEnv(librarySidecar));
		Map<String, String> expected = effectiveEnv(librarySidecar, Map.of());
		expected.put("BUS_SIDECAR_APP_NAME", "fieldRef:" + APP_NAME_LABEL);
		expected.put("BUS_SIDECAR_APP_VERSION", "fieldRef:metadata.labels['app.kubernetes.io/version']");
		assertThat(effectiveEnv(sidecar, settings)).as("every setting, the same value")
			.containsExactlyInAnyOrderEntriesOf(expected);

		Map<String, String> libraryApp = effectiveEnv(library.getContainers().get(0), Map.of());
		libraryApp.remove("SPRING_APPLICATION_NAME");
		assertThat(effectiveEnv(kustomized.getContainers().get(0), Map.of()))
			.containsExactlyInAnyOrderEntriesOf(libraryApp);
		assertThat(kustomized.getTerminationGracePeriodSeconds()).isEqualTo(library.getTerminationGracePeriodSeconds());
		assertThat(kustomized.getVolumes()).isEqualTo(library.getVolumes());
		assertThat(named(objects, Deployment.class, "orders").getSpec().getTemplate().getMetadata().getAnnotations())
			.isEqualTo(charted.getSpec().getTemplate().getMetadata().getAnnotations());
	}

	/** {@code kubectl kustomize DIR}, failing with what it printed. */
	static String build(Path kustomization) {
		return TestTools.run(List.of(TestTools.kubectl().toString(), "kustomize", kustomization.toString()));
	}

	private static void assertSchemasAccept(String manifests) {
		Chart.SchemaValidation validation = Chart.validateOffline(manifests);
		assertThat(validation.problems()).isEmpty();
		assertThat(validation.skipped()).isEmpty();
	}

	private static <T extends HasMetadata> T named(List<KubernetesResource> objects, Class<T> type, String prefix) {
		return objects.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.filter((object) -> object.getMetadata().getName().startsWith(prefix))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + prefix + "* was built"));
	}

	/**
	 * What a container's variables resolve to: a ConfigMap's entries ({@code envFrom})
	 * under its own {@code env}, which wins; a variable from the downward API as
	 * {@code fieldRef:<path>}, from a secret as {@code secret:<name>/<key>}.
	 */
	private static Map<String, String> effectiveEnv(Container container, Map<String, String> configMap) {
		Map<String, String> env = new LinkedHashMap<>(configMap);
		for (EnvVar variable : container.getEnv()) {
			String value;
			if (variable.getValueFrom() == null) {
				value = variable.getValue();
			}
			else if (variable.getValueFrom().getFieldRef() != null) {
				value = "fieldRef:" + variable.getValueFrom().getFieldRef().getFieldPath();
			}
			else {
				value = "secret:" + variable.getValueFrom().getSecretKeyRef().getName() + "/"
						+ variable.getValueFrom().getSecretKeyRef().getKey();
			}
			env.put(variable.getName(), value);
		}
		return env;
	}

	private static Container withoutEnv(Container container) {
		return new ContainerBuilder(container).withEnv(List.of()).withEnvFrom(List.of()).build();
	}

}

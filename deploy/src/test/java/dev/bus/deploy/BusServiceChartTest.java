package dev.bus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bus-service chart, rendered offline for Kubernetes 1.28 and 1.30 and read as typed
 * objects: the sidecar's two forms, the wiring between app and sidecar, probes on real
 * ports, the security context, secrets only by reference, optional objects only when
 * enabled, and a schema that names each bad value.
 */
class BusServiceChartTest {

	static Stream<Path> examples() throws Exception {
		return Files.list(Chart.EXAMPLES).sorted();
	}

	static Stream<Arguments> examplesOnEachKubernetesVersion() throws Exception {
		return examples().flatMap(
				(example) -> Stream.of("1.28.0", "1.29.0", "1.31.0").map((version) -> Arguments.of(example, version)));
	}

	@ParameterizedTest
	@MethodSource("examplesOnEachKubernetesVersion")
	void everyExampleRendersObjectsTheKubernetesSchemasAccept(Path example, String kubernetesVersion) {
		Chart.Rendered rendered = Chart.render(kubernetesVersion, example, Map.of());
		Chart.SchemaValidation validation = Chart.validateOffline(rendered.manifests());
		assertThat(validation.problems()).isEmpty();
		assertThat(validation.checked()).as("every object of a kind Kubernetes itself defines")
			.hasSize(rendered.resources().size() - validation.skipped().size());
		assertThat(validation.skipped()).as("custom resources, which no Kubernetes schema covers")
			.allSatisfy((kind) -> assertThat(kind).startsWith("monitoring.coreos.com/"));
	}

	@Test
	void aQuantityALabelOrANameTheApiServerWouldRefuseFailsTheBuild() {
		Path minimal = Chart.EXAMPLES.resolve("minimal.yaml");
		Chart.Rendered lots = Chart.render("1.30.0", minimal, Map.of("app.resources.limits.cpu", "lots"));
		assertThat(Chart.validateOffline(lots.manifests()).problems())
			.anySatisfy((problem) -> assertThat(problem).contains("Deployment", "limits/cpu", "quantity"));
		assertThatThrownBy(() -> Chart.render("1.30.0", minimal, Map.of("podLabels.team", "payments and billing")))
			.hasMessageContaining("pod labels value of team 'payments and billing' is not valid");
		assertThatThrownBy(() -> Chart.render("1.30.0", minimal, Map.of("fullnameOverride", "Orders_Service")))
			.hasMessageContaining("name 'Orders_Service' is not valid");
	}

	@ParameterizedTest
	@ValueSource(strings = { "orders", "inventory", "notifications" })
	void everySampleServiceHasAnExampleThatRunsItsImage(String service) {
		Container app = container(pod(Chart.render("1.30.0", service + ".yaml")), "app");
		assertThat(app.getImage()).startsWith("ghcr.io/bus-dev/sample-" + service + ":");
		assertThat(env(app)).containsKey(service.toUpperCase(Locale.ROOT) + "_CLIENT_SECRET");
	}

	@ParameterizedTest
	@MethodSource("examples")
	void lintStrictPassesWithEachExampleOverTheDefaults(Path example) {
		LintResult result = Chart.lint(example);
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	@Test
	void onKubernetes130TheSidecarIsANativeSidecarThatStartsFirstAndStopsLast() {
		PodSpec pod = pod(Chart.render("1.30.0", "minimal.yaml"));
		assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("bus-sidecar");
		Container sidecar = pod.getInitContainers().get(0);
		assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
		assertThat(sidecar.getLifecycle()).as("Kubernetes stops it after the app: no hook needed").isNull();
		assertThat(sidecar.getStartupProbe()).as("the app starts once the sidecar is ready").isNotNull();
		assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app");
	}

	@Test
	void onKubernetes128TheSidecarIsASecondContainerThatServesTheAppUntilItStops() {
		PodSpec pod = pod(Chart.render("1.28.0", "minimal.yaml"));
		assertThat(pod.getInitContainers()).isEmpty();
		assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app", "bus-sidecar");
		Container sidecar = container(pod, "bus-sidecar");
		assertThat(sidecar.getLifecycle()).as("no hook: the sidecar waits for the app on its own SIGTERM").isNull();
		assertThat(env(sidecar)).containsEntry("BUS_SIDECAR_REGISTRATION_AWAITAPPSTOP", "true");
	}

	/**
	 * A pre-stop hook's {@code httpGet} comes from the kubelet to the pod's IP: whatever
	 * it calls, any pod reaching that port can call. No container has one, and the app
	 * drains itself through the sidecar's loopback API at SIGTERM.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "1.28.0", "1.30.0" })
	void noPodCanDrainAnotherBecauseNoHookCallsAPortOtherPodsReach(String kubernetesVersion) {
		for (String example : List.of("minimal.yaml", "everything.yaml")) {
			PodSpec pod = pod(Chart.render(kubernetesVersion, example));
			Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream())
				.forEach((container) -> assertThat(container.getLifecycle()).as(container.getName() + " in " + example)
					.isNull());
			assertThat(env(container(pod, "app"))).containsEntry("BUS_SIDECARCLIENT_URL", "http://127.0.0.1:4040")
				.doesNotContainKey("BUS_SIDECARCLIENT_DRAINONSHUTDOWN");
		}
	}

	@Test
	void theAppLeavesConsulsPassingSetBeforeItStopsAndTheGracePeriodFollowsTheDrainSettings() {
		PodSpec pod = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("sidecar.drainSeconds", 5, "app.shutdownTimeoutSeconds", 40, "sidecar.exitSeconds", 10)));
		assertThat(env(container(pod, "app"))).as("the drain time and a second for the sidecar's Consul call")
			.containsEntry("BUS_SIDECARCLIENT_DRAINTIMEOUT", "6s");
		// the app's 40 s are its whole shutdown: each of its two waiting phases
		// (listeners, then the web server) gets
		// 20 s, as Spring's timeout applies per phase; then its last confirms (10 s by
		// default)
		assertThat(env(container(pod, "app"))).containsEntry("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE", "20s")
			.containsEntry("SERVER_SHUTDOWN", "graceful");
		assertThat(pod.getTerminationGracePeriodSeconds()).as("5 + 1 drain + 2 x 20 + 10 confirms + 10 exit")
			.isEqualTo(66L);
		assertThat(env(container(pod, "bus-sidecar"))).containsEntry("BUS_SIDECAR_REGISTRATION_DRAINTIME", "5s")
			.containsEntry("BUS_SIDECAR_REGISTRATION_APPSTOPTIMEOUT", "56s");
	}

	@Test
	void appAndSidecarAreWiredWithoutHandWrittenGlue() {
		PodSpec pod = pod(Chart.render("1.30.0", "orders.yaml"));
		Map<String, String> app = env(container(pod, "app"));
		assertThat(app).containsEntry("BUS_SIDECARCLIENT_URL", "http://127.0.0.1:4040")
			.containsEntry("BUS_TRACING_OTLPENDPOINT", "http://127.0.0.1:4318/v1/traces")
			.containsEntry("SPRING_APPLICATION_NAME", "orders")
			.containsEntry("SERVER_PORT", "8081")
			.as("Bus declares its topology unless told an operator does")
			.doesNotContainKey("BUS_TOPOLOGY_DECLARE");
		assertThat(env(container(pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("orders.yaml"),
				Map.of("rabbitmq.declareTopology", false))), "app")))
			.containsEntry("BUS_TOPOLOGY_DECLARE", "false");
		assertThat(app.get("OTEL_RESOURCE_ATTRIBUTES")).contains("k8s.pod.name=$(POD_NAME)",
				"k8s.namespace.name=$(POD_NAMESPACE)", "k8s.node.name=$(NODE_NAME)");
		Map<String, String> sidecar = env(container(pod, "bus-sidecar"));
		assertThat(sidecar).containsEntry("BUS_SIDECAR_APP_NAME", "orders")
			.containsEntry("BUS_SIDECAR_APP_PORT", "8081")
			.containsEntry("BUS_SIDECAR_API_PORT", "4040")
			.containsEntry("BUS_SIDECAR_TELEMETRY_PORT", "4318")
			.containsEntry("BUS_SIDECAR_CONSUL_URL", "http://consul-server.consul.svc:8500");
		assertThat(sidecar.get("JAVA_TOOL_OPTIONS")).as("bus-sidecar/jvm.options")
			.isEqualTo(String.join(" ", jvmOptions()));
		for (Container container : List.of(container(pod, "app"), container(pod, "bus-sidecar"))) {
			assertThat(container.getEnv())
				.filteredOn(
						(variable) -> variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null)
				.extracting(EnvVar::getName)
				.contains("POD_NAME", "POD_UID", "POD_NAMESPACE", "POD_IP", "NODE_NAME");
		}
	}

	@Test
	void everyProbePointsAtAPortItsContainerOpens() {
		for (String kube : List.of("1.28.0", "1.30.0")) {
			for (String example : List.of("minimal.yaml", "everything.yaml")) {
				PodSpec pod = pod(Chart.render(kube, example));
				for (Container container : Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
					.toList()) {
					Set<Object> ports = container.getPorts()
						.stream()
						.flatMap((port) -> Stream.of(port.getName(), port.getContainerPort()))
						.collect(Collectors.toSet());
					for (Probe probe : Stream
						.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())
						.toList()) {
						assertThat(probe).as(container.getName() + " probes").isNotNull();
						Object port = (probe.getHttpGet().getPort().getStrVal() != null)
								? probe.getHttpGet().getPort().getStrVal() : probe.getHttpGet().getPort().getIntVal();
						assertThat(ports).as(kube + " " + example + ": " + container.getName() + " probe port")
							.contains(port);
					}
				}
			}
		}
		Container app = container(pod(Chart.render("1.30.0", "everything.yaml")), "app");
		assertThat(app.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(8080, 9090);
		assertThat(app.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9090);
	}

	@Test
	void upgradingTheChartAloneDoesNotRollThePods() {
		Deployment deployment = Chart.render("1.30.0", "minimal.yaml").one(Deployment.class);
		assertThat(deployment.getMetadata().getLabels()).containsKey("helm.sh/chart");
		assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("helm.sh/chart")
			.containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
	}

	@Test
	void podsAreSecureByDefault() {
		PodSpec pod = pod(Chart.render("1.30.0", "minimal.yaml"));
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		assertThat(pod.getAutomountServiceAccountToken()).isFalse();
		for (Container container : Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
			.toList()) {
			var security = container.getSecurityContext();
			assertThat(security.getReadOnlyRootFilesystem()).isTrue();
			assertThat(security.getAllowPrivilegeEscalation()).isFalse();
			assertThat(security.getRunAsNonRoot()).isTrue();
			assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
			assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
			assertThat(container.getVolumeMounts()).as("the JVM writes only to an emptyDir")
				.anySatisfy((mount) -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
		}
		assertThat(Chart.render("1.30.0", "minimal.yaml").one(ServiceAccount.class).getAutomountServiceAccountToken())
			.isFalse();
	}

	@Test
	void onOpenShiftThePlatformChoosesTheUserAndGroupAndThePodsStayNonRoot() {
		PodSpec pod = pod(
				Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"), Map.of("podSecurityContext.runAsUser",
						"null", "podSecurityContext.runAsGroup", "null", "podSecurityContext.fsGroup", "null")));
		assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
		assertThat(pod.getSecurityContext().getRunAsGroup()).isNull();
		assertThat(pod.getSecurityContext().getFsGroup()).isNull();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(pod(Chart.render("1.30.0", "minimal.yaml")).getSecurityContext().getRunAsUser()).as("by default")
			.isEqualTo(10001L);
		PodSpec ownUser = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("containerSecurityContext.runAsUser", "20000")));
		assertThat(container(ownUser, "app").getSecurityContext().getRunAsUser()).isEqualTo(20000L);
		assertThat(container(ownUser, "app").getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
	}

	@Test
	void imagesComeFromAMirrorPinnedByDigestWithPullSecretsWhileTheVersionLabelStaysTheTag() {
		String digest = "sha256:" + "ab".repeat(32);
		Chart.Rendered rendered = Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("global.imageRegistry", "mirror.example.com:5000", "global.imagePullSecrets[0]", "shared-pull",
						"imagePullSecrets[0].name", "own-pull", "app.image.tag", "1.4.2", "app.image.digest", digest));
		PodSpec pod = pod(rendered);
		assertThat(container(pod, "app").getImage())
			.isEqualTo("mirror.example.com:5000/bus-dev/sample-orders:1.4.2@" + digest);
		assertThat(container(pod, "bus-sidecar").getImage()).startsWith("mirror.example.com:5000/bus-dev/bus-sidecar:");
		assertThat(pod.getImagePullSecrets()).extracting((secret) -> secret.getName())
			.containsExactly("shared-pull", "own-pull");
		assertThat(rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
			.containsEntry("app.kubernetes.io/version", "1.4.2");
		PodSpec plain = pod(Chart.render("1.30.0", "minimal.yaml"));
		assertThat(container(plain, "app").getImage()).startsWith("ghcr.io/bus-dev/sample-orders:");
		assertThat(plain.getImagePullSecrets()).isEmpty();
	}

	@Test
	void asASubchartItTakesTheGlobalsItsParentSets() {
		PodSpec pod = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("global.team", "payments", "global.storageClass", "fast")));
		assertThat(container(pod, "app").getImage()).startsWith("ghcr.io/bus-dev/sample-orders:");
	}

	@Test
	void anExportHeaderKeepsItsDashesInTheVariableTheSidecarBindsItFrom() {
		PodSpec pod = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("tracing.headers[0].name", "X-Scope-OrgID", "tracing.headers[0].secretName", "tempo-tenant",
						"tracing.headers[0].key", "org-id")));
		assertThat(container(pod, "bus-sidecar").getEnv()).extracting(EnvVar::getName)
			.contains("BUS_SIDECAR_TELEMETRY_HEADERS_X-SCOPE-ORGID");
	}

	@Test
	void probeTimeoutsAreSettings() {
		PodSpec pod = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("app.probeTimeoutSeconds", "5", "sidecar.probeTimeoutSeconds", "3")));
		for (String name : List.of("app", "bus-sidecar")) {
			Container container = container(pod, name);
			int expected = name.equals("app") ? 5 : 3;
			assertThat(
					Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
				.extracting(Probe::getTimeoutSeconds)
				.containsOnly(expected);
		}
	}

	@Test
	void aDisruptionBudgetThatWouldBlockEveryNodeDrainFailsTheRender() {
		Path minimal = Chart.EXAMPLES.resolve("minimal.yaml");
		assertThatThrownBy(() -> Chart.render("1.30.0", minimal,
				Map.of("podDisruptionBudget.enabled", "true", "replicaCount", "1")))
			.hasMessageContaining("podDisruptionBudget.minAvailable (1)")
			.hasMessageContaining("replicaCount");
		assertThatThrownBy(() -> Chart.render("1.30.0", minimal, Map.of("podDisruptionBudget.enabled", "true",
				"autoscaling.enabled", "true", "autoscaling.minReplicas", "1")))
			.hasMessageContaining("autoscaling.minReplicas");
		assertThat(Chart.render("1.30.0", minimal, Map.of("podDisruptionBudget.enabled", "true")).kinds())
			.contains("PodDisruptionBudget");
	}

	@Test
	void theAutoscalerCountsTheAppsCpuNotTheSidecars() {
		var metric = Chart.render("1.30.0", "everything.yaml")
			.one(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
			.getSpec()
			.getMetrics()
			.get(0);
		assertThat(metric.getType()).isEqualTo("ContainerResource");
		assertThat(metric.getContainerResource().getContainer()).isEqualTo("app");
		assertThat(Chart.render("1.26.0", "everything.yaml")
			.one(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
			.getSpec()
			.getMetrics()
			.get(0)
			.getType()).as("before ContainerResource was on by default").isEqualTo("Resource");
	}

	@Test
	void theSidecarsJvmOptionsAreTheChartsAloneSoALargerHeapOrAnotherCollectorTakes() throws java.io.IOException {
		PodSpec pod = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("sidecar.jvmOptions", "-XX:+UseG1GC -Xmx96m")));
		Container sidecar = container(pod, "bus-sidecar");
		assertThat(sidecar.getCommand()).as("not the image's entry point with its @jvm.options")
			.containsExactly("java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar");
		assertThat(env(sidecar)).containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC -Xmx96m");
		assertThat(Files.readString(Path.of("../bus-sidecar/Dockerfile")))
			.as("the command the chart gives is the image's, less @jvm.options")
			.contains("ENTRYPOINT [\"java\", \"@jvm.options\", "
					+ "\"-XX:SharedArchiveFile=app.jsa\", \"-jar\", \"app.jar\"]");
	}

	/**
	 * docs/sidecar.md: against Consul's servers (agentless consul-k8s) a TTL check has no
	 * agent to host it, so the sidecar must not register; an example that points at the
	 * servers and registers would not work as written.
	 */
	@ParameterizedTest
	@MethodSource("examples")
	void anExampleThatTalksToConsulsServersLeavesRegistrationToConsulK8s(Path example) throws java.io.IOException {
		Map<String, Object> values = Chart.yaml(Files.readString(example));
		Object consul = values.get("consul");
		String url = (consul instanceof Map<?, ?> settings && settings.get("url") != null)
				? settings.get("url").toString() : "";
		if (url.contains("consul-server")) {
			assertThat(env(container(pod(Chart.render("1.30.0", example, Map.of())), "bus-sidecar")))
				.as(example.getFileName() + " points at the servers")
				.containsEntry("BUS_SIDECAR_REGISTRATION_ENABLED", "false");
		}
	}

	@Test
	void byDefaultAgentlessAsANewConsulK8sClusterIsAndWithClientAgentsTheSidecarRegistersThroughTheNodesAgent() {
		Chart.Rendered rendered = Chart.render("1.30.0", "minimal.yaml");
		// consul-k8s's catalog sync registers non-mesh pods: through their Service, by
		// its annotations
		assertThat(rendered.one(Service.class).getMetadata().getAnnotations())
			.containsEntry("consul.hashicorp.com/service-sync", "true")
			.containsEntry("consul.hashicorp.com/service-name", "orders")
			.containsEntry("consul.hashicorp.com/service-port", "http");
		PodSpec agentless = pod(rendered);
		assertThat(env(container(agentless, "bus-sidecar")))
			.containsEntry("BUS_SIDECAR_CONSUL_URL", "http://consul-server.consul.svc:8500")
			.containsEntry("BUS_SIDECAR_REGISTRATION_ENABLED", "false");
		// consul-k8s follows readiness there: it must cover the listeners, as the TTL
		// check does
		assertThat(env(container(agentless, "app"))).containsEntry("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE",
				"readinessState,bus");
		PodSpec agents = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("consul.url", "", "consul.register", "true")));
		assertThat(env(container(agents, "bus-sidecar")))
			.containsEntry("BUS_SIDECAR_CONSUL_URL", "http://$(HOST_IP):8500")
			.doesNotContainKey("BUS_SIDECAR_REGISTRATION_ENABLED");
		assertThat(env(container(agents, "app")))
			.doesNotContainKey("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE");

		// with consul-k8s's TLS: its CA, from the secret it keeps it in
		PodSpec tls = pod(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("consul.url", "https://consul-server.consul.svc:8501", "consul.register", "false",
						"consul.tls.secretName", "consul-ca-cert", "consul.tls.caKey", "tls.crt")));
		assertThat(env(container(tls, "bus-sidecar")))
			.containsEntry("SPRING_SSL_BUNDLE_PEM_CONSUL_TRUSTSTORE_CERTIFICATE", "file:/etc/bus/consul-tls/tls.crt")
			.doesNotContainKey("SPRING_SSL_BUNDLE_PEM_CONSUL_KEYSTORE_CERTIFICATE");
		assertThat(tls.getVolumes()).filteredOn((volume) -> volume.getSecret() != null)
			.extracting((volume) -> volume.getSecret().getSecretName())
			.contains("consul-ca-cert");
	}

	@Test
	void secretsAreOnlyReferencedNeverRendered() {
		Chart.Rendered rendered = Chart.render("1.30.0", "everything.yaml");
		assertThat(rendered.kinds()).doesNotContain("Secret", "ConfigMap");
		PodSpec pod = pod(rendered);
		for (Container container : Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
			.toList()) {
			assertThat(container.getEnv())
				.filteredOn((variable) -> variable.getName()
					.matches(".*(PASSWORD|CLIENTSECRET|CLIENTID|ACLTOKEN)|.*_HEADERS_.*"))
				.isNotEmpty()
				.allSatisfy((variable) -> {
					assertThat(variable.getValue()).as(variable.getName() + " has no literal value").isNull();
					assertThat(variable.getValueFrom().getSecretKeyRef()).as(variable.getName()).isNotNull();
				});
		}
		assertThat(env(container(pod, "bus-sidecar"))).containsKey("BUS_SIDECAR_CONSUL_ACLTOKEN");
		assertThat(env(container(pod, "app"))).containsKeys("SPRING_RABBITMQ_PASSWORD", "SPRING_RABBITMQ_SSL_BUNDLE",
				"SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_PAYMENTS_CLIENTSECRET");
		assertThat(pod.getVolumes()).filteredOn((volume) -> volume.getSecret() != null)
			.extracting((volume) -> volume.getSecret().getSecretName())
			.containsExactlyInAnyOrder("payments-keysets", "consul-client-tls", "rabbitmq-client-tls");
	}

	@Test
	void optionalObjectsAreRenderedOnlyWhenEnabled() {
		assertThat(Chart.render("1.30.0", "minimal.yaml").kinds()).containsExactly("Deployment", "Service",
				"ServiceAccount");
		Chart.Rendered everything = Chart.render("1.30.0", "everything.yaml");
		assertThat(everything.kinds()).containsExactlyInAnyOrder("Deployment", "Service", "ServiceAccount",
				"PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor", "NetworkPolicy");
		assertThat(everything.one(Deployment.class).getSpec().getReplicas()).as("the autoscaler decides").isNull();
		assertThat(everything.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
		NetworkPolicy policy = everything.one(NetworkPolicy.class);
		assertThat(policy.getSpec().getEgress()).as("DNS, RabbitMQ, Consul, tracing and the OAuth2 issuer").hasSize(5);
		assertThat(policy.getSpec().getEgress()).anySatisfy((rule) -> assertThat(rule.getTo())
			.anySatisfy((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
				.containsEntry("kubernetes.io/metadata.name", "identity")));
		assertThat(
				Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"), Map.of("networkPolicy.enabled", "true"))
					.one(NetworkPolicy.class)
					.getSpec()
					.getEgress())
			.as("no issuer egress without OAuth2")
			.hasSize(4);
		assertThat(policy.getSpec().getIngress()).hasSize(2);
		assertThat(pod(everything).getTopologySpreadConstraints()).hasSize(1);
		assertThat(everything.one(Service.class).getSpec().getPorts()).extracting((port) -> port.getName())
			.as("the app's actuator on a port of its own, which the ServiceMonitor scrapes")
			.containsExactly("http", "app-management", "sidecar-metrics");
		assertThat(policy.getSpec().getIngress().get(1).getPorts()).extracting((port) -> port.getPort().getIntVal())
			.as("Prometheus reaches both management ports")
			.containsExactly(9464, 9090);
	}

	@Test
	void theDashboardIsAConfigMapGrafanasSidecarLoadsByLabelAndItsJsonIsTheChartsFile() throws Exception {
		Chart.Rendered rendered = Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("grafanaDashboard.enabled", "true", "grafanaDashboard.annotations.grafana_folder", "Bus"));
		ConfigMap dashboard = rendered.one(ConfigMap.class);
		assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Bus");
		String json = dashboard.getData().get("bus-overview.json");
		assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(json))
			.as("the JSON as the chart ships it, whole")
			.isEqualTo(tools.jackson.databind.json.JsonMapper.builder()
				.build()
				.readTree(java.nio.file.Files
					.readString(Chart.EXAMPLES.getParent().resolve("dashboards/bus-overview.json"))));
		assertThat(Chart.render("1.30.0", "minimal.yaml").all(ConfigMap.class)).as("opt-in").isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void onKedaTheQueuesDepthAndTheAppsCpuScaleItThroughAScaledObjectInPlaceOfTheAutoscaler() {
		Map<String, Object> keda = Map.of("autoscaling.keda.enabled", "true", "autoscaling.keda.queues[0]",
				"orders.orders.created", "autoscaling.keda.queues[1]", "orders.inventory.reserved",
				"autoscaling.keda.hostSecret", "rabbitmq-keda");
		Chart.Rendered rendered = Chart.render("1.30.0", Chart.EXAMPLES.resolve("everything.yaml"), keda);
		assertThat(rendered.kinds()).contains("ScaledObject", "TriggerAuthentication")
			.as("KEDA owns the HPA: two on one Deployment fight")
			.doesNotContain("HorizontalPodAutoscaler");
		GenericKubernetesResource scaled = rendered.all(GenericKubernetesResource.class)
			.stream()
			.filter((object) -> object.getKind().equals("ScaledObject"))
			.findFirst()
			.orElseThrow();
		Map<String, Object> spec = (Map<String, Object>) scaled.getAdditionalProperties().get("spec");
		assertThat((Map<String, Object>) spec.get("scaleTargetRef")).containsEntry("name",
				rendered.one(Deployment.class).getMetadata().getName());
		List<Map<String, Object>> triggers = (List<Map<String, Object>>) spec.get("triggers");
		assertThat(triggers).extracting((trigger) -> trigger.get("type"))
			.containsExactly("cpu", "rabbitmq", "rabbitmq");
		assertThat((Map<String, Object>) triggers.get(0).get("metadata")).containsEntry("containerName", "app");
		assertThat(triggers.subList(1, 3))
			.extracting((trigger) -> ((Map<String, Object>) trigger.get("metadata")).get("queueName"))
			.containsExactly("orders.orders.created", "orders.inventory.reserved");
		String authentication = rendered.all(GenericKubernetesResource.class)
			.stream()
			.filter((object) -> object.getKind().equals("TriggerAuthentication"))
			.findFirst()
			.orElseThrow()
			.getMetadata()
			.getName();
		assertThat(triggers.subList(1, 3))
			.allSatisfy((trigger) -> assertThat((Map<String, Object>) trigger.get("authenticationRef"))
				.containsEntry("name", authentication));

		Path everything = Chart.EXAMPLES.resolve("everything.yaml");
		assertThatThrownBy(() -> Chart.render("1.30.0", everything,
				Map.of("autoscaling.keda.enabled", "true", "autoscaling.keda.hostSecret", "rabbitmq-keda")))
			.hasMessageContaining("autoscaling.keda.queues is empty");
		assertThatThrownBy(() -> Chart.render("1.30.0", everything,
				Map.of("autoscaling.keda.enabled", "true", "autoscaling.keda.queues[0]", "orders.orders.created")))
			.hasMessageContaining("autoscaling.keda.hostSecret is empty");
		assertRejected(everything, Map.of("autoscaling.keda.hostSecret", "Not_A_Secret"), "hostSecret");
	}

	@Test
	void theSchemaRejectsEachBadValueNamingIt() {
		Path minimal = Chart.EXAMPLES.resolve("minimal.yaml");
		assertRejected(minimal, Map.of("serviceName", ""), "serviceName");
		assertRejected(minimal, Map.of("app.image.repository", ""), "repository");
		assertRejected(minimal, Map.of("app.port", 70000), "port");
		assertRejected(minimal, Map.of("sidecar.managementPort", 0), "managementPort");
		assertRejected(minimal, Map.of("replicaCount", "two"), "replicaCount");
		assertRejected(minimal, Map.of("sidecar.mode", "sometimes"), "mode");
		assertRejected(minimal, Map.of("sidcar.mode", "native"), "sidcar");
		assertRejected(minimal, Map.of("security.oauth2.enabled", true), "issuerUri");
		assertRejected(minimal, Map.of("app.image.tag", "1.4.2@sha256:abc"), "tag");
		assertRejected(minimal, Map.of("sidecar.image.digest", "latest"), "digest");
		assertRejected(minimal, Map.of("imagePullSecrets[0].secret", "x"), "imagePullSecrets");
		assertThatThrownBy(() -> Chart.render("1.30.0", Chart.DIRECTORY.resolve("values.yaml"), Map.of()))
			.as("no service name and image by default: a release must give them")
			.hasMessageContaining("serviceName");
	}

	@Test
	void aFieldKubernetesDoesNotKnowFailsTheRead() {
		assertThatThrownBy(
				() -> Chart.parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots: []\n"))
			.hasMessageContaining("Service x")
			.hasMessageContaining("prots");
	}

	private static void assertRejected(Path values, Map<String, Object> sets, String named) {
		assertThatThrownBy(() -> Chart.render("1.30.0", values, sets)).as(sets.toString())
			.hasMessageContaining("values don't meet the specifications of the schema")
			.hasMessageContaining(named);
	}

	private static PodSpec pod(Chart.Rendered rendered) {
		return rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
	}

	private static Container container(PodSpec pod, String name) {
		return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
			.filter((container) -> container.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No container " + name));
	}

	/** Plain values of a container's env (those from a reference map to null). */
	private static Map<String, String> env(Container container) {
		Map<String, String> env = new java.util.LinkedHashMap<>();
		container.getEnv().forEach((variable) -> env.put(variable.getName(), variable.getValue()));
		return env;
	}

	private static List<String> jvmOptions() {
		try {
			return Files.readAllLines(Path.of("../bus-sidecar/jvm.options"))
				.stream()
				.filter((line) -> !line.isBlank())
				.toList();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}

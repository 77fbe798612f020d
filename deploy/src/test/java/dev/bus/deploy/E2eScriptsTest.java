package dev.bus.deploy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e2e workflow's steps that need no cluster, run here as the workflow runs them
 * ({@code scripts/e2e/run}): the secrets it makes, the platform it installs (RabbitMQ,
 * Jaeger), the sample system as it installs it, and its trace check. What needs a cluster
 * (images, Consul's chart, the install, the order, the disruption) runs only in the
 * workflow.
 */
class E2eScriptsTest {

	static final Path E2E = Path.of("../scripts/e2e").toAbsolutePath().normalize();

	@TempDir
	Path secrets;

	@Test
	void theSecretsAreManifestsKubernetesAcceptsAndTheBrokersCertificateNamesItsService() throws Exception {
		String output = TestTools.run(List.of(E2E.resolve("run").toString(), "secrets", this.secrets.toString()));
		String manifests = Files.readString(this.secrets.resolve("rabbitmq-secrets.yaml")) + "\n---\n"
				+ Files.readString(this.secrets.resolve("shop-secrets.yaml"));
		assertThat(Chart.validateOffline(manifests).problems()).isEmpty();
		List<Secret> made = secrets(manifests);
		assertThat(made).extracting((secret) -> secret.getMetadata().getName())
			.contains("bus-rabbitmq-server-tls", "bus-rabbitmq-client-tls", "sample-issuer-signing-key",
					"orders-oauth2-client", "sample-issuer-users");
		for (Secret secret : made) {
			secret.getData()
				.values()
				.forEach((value) -> assertThat(output).as("nothing made is printed")
					.doesNotContain(
							new String(java.util.Base64.getDecoder().decode(value), StandardCharsets.UTF_8).strip()));
		}
		Secret server = made.stream()
			.filter((secret) -> secret.getMetadata().getName().equals("bus-rabbitmq-server-tls"))
			.findFirst()
			.orElseThrow();
		X509Certificate ca = certificate(server.getData().get("ca.crt"));
		X509Certificate certificate = certificate(server.getData().get("tls.crt"));
		certificate.verify(ca.getPublicKey());
		assertThat(certificate.getSubjectAlternativeNames().stream().map((name) -> String.valueOf(name.get(1))))
			.as("what the apps verify the broker's host name against")
			.contains("bus-rabbitmq.rabbitmq.svc");
		TestTools.run(List.of(E2E.resolve("run").toString(), "secrets", this.secrets.toString()));
		assertThat(secrets(Files.readString(this.secrets.resolve("shop-secrets.yaml")))).as("fresh secrets every run")
			.noneMatch((secret) -> made.stream().anyMatch((before) -> before.getData().equals(secret.getData())));
	}

	@Test
	void rabbitmqAndJaegerAreObjectsKubernetesAcceptsAndRabbitmqMountsOnlySecretsTheScriptMakes() throws Exception {
		TestTools.run(List.of(E2E.resolve("run").toString(), "secrets", this.secrets.toString()));
		String platform = Files.readString(E2E.resolve("rabbitmq.yaml")) + "\n---\n"
				+ Files.readString(E2E.resolve("jaeger.yaml"));
		assertThat(Chart.validateOffline(platform).problems()).isEmpty();
		List<KubernetesResource> objects = Chart.parse(platform);
		Set<String> mounted = objects.stream()
			.filter(io.fabric8.kubernetes.api.model.apps.StatefulSet.class::isInstance)
			.map(io.fabric8.kubernetes.api.model.apps.StatefulSet.class::cast)
			.flatMap((set) -> set.getSpec().getTemplate().getSpec().getVolumes().stream())
			.filter((volume) -> volume.getSecret() != null)
			.map((volume) -> volume.getSecret().getSecretName())
			.collect(Collectors.toSet());
		assertThat(mounted).isNotEmpty();
		assertThat(names(secrets(Files.readString(this.secrets.resolve("rabbitmq-secrets.yaml")))))
			.containsAll(mounted);
	}

	/**
	 * The sample system as the workflow installs it renders on both versions the workflow
	 * runs, and every Secret it references is one the workflow makes: by {@code secrets},
	 * or by {@code platform} (each sidecar's Consul token, Consul's CA).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "1.28.0", "1.31.0" })
	void theSampleSystemAsInstalledReferencesOnlySecretsTheWorkflowMakes(String kubernetesVersion) throws Exception {
		TestTools.run(List.of(E2E.resolve("run").toString(), "secrets", this.secrets.toString()));
		Path umbrella = SampleSystemChartTest.UMBRELLA;
		Chart.vendorDependencies(umbrella.resolveSibling("bus-service"));
		Chart.vendorDependencies(umbrella);
		String manifests = new Helm(umbrella).template()
			.withName("shop")
			.withNamespace("shop")
			.withKubeVersion(kubernetesVersion)
			.withValuesFile(E2E.resolve("shop-values.yaml"))
			.call();
		assertThat(Chart.validateOffline(manifests).problems()).isEmpty();
		Set<String> referenced = new TreeSet<>();
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?m)^\\s*name: (\\S+)\\n\\s*key: ")
			.matcher(manifests);
		while (matcher.find()) {
			referenced.add(matcher.group(1));
		}
		java.util.regex.Matcher volumes = java.util.regex.Pattern.compile("(?m)^\\s*secretName: (\\S+)")
			.matcher(manifests);
		while (volumes.find()) {
			referenced.add(volumes.group(1));
		}
		Set<String> made = new TreeSet<>(names(secrets(Files.readString(this.secrets.resolve("shop-secrets.yaml")))));
		made.addAll(Set.of("orders-consul-token", "inventory-consul-token", "notifications-consul-token",
				"consul-ca-cert"));
		assertThat(referenced).contains("orders-oauth2-client", "consul-ca-cert", "bus-rabbitmq-client-tls");
		assertThat(made).containsAll(referenced);
		String script = Files.readString(E2E.resolve("run"));
		assertThat(script).as("platform makes the tokens and copies the CA")
			.contains("\"${service}-consul-token\"", "secret consul-ca-cert -n \"${NS}\"");

		// the objects the order and disruption steps reach by name and label
		List<KubernetesResource> objects = Chart.parse(manifests);
		assertThat(objects).anySatisfy((object) -> assertThat(object)
			.isInstanceOfSatisfying(io.fabric8.kubernetes.api.model.Service.class, (service) -> {
				assertThat(service.getMetadata().getName()).isEqualTo("shop-orders");
				assertThat(service.getSpec().getPorts()).anySatisfy((port) -> assertThat(port.getPort()).isEqualTo(80));
			}));
		assertThat(script).contains("service/shop-orders\" 80", "deployment/shop-inventory");
		for (String service : List.of("orders", "inventory")) {
			assertThat(objects).anySatisfy((object) -> assertThat(object)
				.isInstanceOfSatisfying(io.fabric8.kubernetes.api.model.apps.Deployment.class, (deployment) -> {
					assertThat(deployment.getMetadata().getName()).isEqualTo("shop-" + service);
					assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
						.containsEntry("app.kubernetes.io/name", service);
				}));
			assertThat(script).contains("-l app.kubernetes.io/name=" + service);
		}
	}

	@Test
	void theTraceCheckPassesOnlyWhenOneTraceCoversEveryService() throws Exception {
		String whole = """
				{"data": [{"traceID": "t1", "processes": {"p1": {"serviceName": "orders"},
				  "p2": {"serviceName": "inventory"}, "p3": {"serviceName": "notifications"}},
				  "spans": [{"processID": "p1"}, {"processID": "p2"}, {"processID": "p3"}]}]}
				""";
		String split = """
				{"data": [{"traceID": "t1", "processes": {"p1": {"serviceName": "orders"},
				  "p2": {"serviceName": "inventory"}}, "spans": [{"processID": "p1"}, {"processID": "p2"}]},
				  {"traceID": "t2", "processes": {"p1": {"serviceName": "notifications"}},
				  "spans": [{"processID": "p1"}]}]}
				""";
		assertThat(traceCheck(whole)).isZero();
		assertThat(traceCheck(split)).as("the services in two traces").isOne();
		assertThat(traceCheck("{\"data\": []}")).isOne();
		assertThat(traceCheck("<html>not json</html>")).isOne();
	}

	@Test
	void everyCommandTheWorkflowCallsIsOneTheScriptHasAndItsSyntaxHolds() throws Exception {
		TestTools.run(List.of("bash", "-n", E2E.resolve("run").toString()));
		String script = Files.readString(E2E.resolve("run"));
		for (String command : List.of("images", "secrets", "platform", "dry-run", "install", "order-trace",
				"disruption", "diagnose")) {
			assertThat(script).as(command).contains("\n  " + command + ") ", "scripts/e2e/run " + command);
		}
	}

	private int traceCheck(String answer) throws Exception {
		Process process = new ProcessBuilder("python3", E2E.resolve("trace-check.py").toString(), "orders", "inventory",
				"notifications")
			.redirectErrorStream(true)
			.start();
		try (var in = process.getOutputStream()) {
			in.write(answer.getBytes(StandardCharsets.UTF_8));
		}
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return process.exitValue();
	}

	private static List<Secret> secrets(String manifests) {
		List<Secret> secrets = new ArrayList<>();
		for (KubernetesResource resource : Chart.parse(manifests)) {
			if (resource instanceof Secret secret) {
				secrets.add(secret);
			}
		}
		return secrets;
	}

	private static List<String> names(List<Secret> secrets) {
		return secrets.stream().map((secret) -> secret.getMetadata().getName()).toList();
	}

	private static X509Certificate certificate(String base64) throws Exception {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)));
	}

}

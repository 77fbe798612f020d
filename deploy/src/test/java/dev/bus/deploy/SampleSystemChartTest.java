package dev.bus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The umbrella example {@code helm/sample-system}: the three sample services as aliases
 * of bus-service in one release, sharing the registry and pull secrets through
 * {@code global} and the connection settings through YAML anchors, and the sample issuer
 * their tokens come from.
 */
class SampleSystemChartTest {

	static final Path UMBRELLA = Path.of("../helm/sample-system").toAbsolutePath().normalize();

	@BeforeAll
	static void vendorTheServiceChart() {
		// bus-service with its own library vendored first, as it is packaged
		Chart.vendorDependencies(UMBRELLA.resolveSibling(Chart.DIRECTORY.getFileName()));
		Chart.vendorDependencies(UMBRELLA);
	}

	@Test
	void lintStrictPasses() {
		LintResult result = new Helm(UMBRELLA).lint().strict().call();
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	@Test
	void theThreeServicesRenderWithWhatTheyShareAndWhatIsTheirOwn() {
		String manifests = new Helm(UMBRELLA).template()
			.withName("shop")
			.withNamespace("shop")
			.withKubeVersion("1.30.0")
			.set("global.imageRegistry", "mirror.example.com")
			.call();
		List<KubernetesResource> objects = Chart.parse(manifests);
		Map<String, Deployment> deployments = objects.stream()
			.filter(Deployment.class::isInstance)
			.map(Deployment.class::cast)
			.collect(Collectors.toMap((deployment) -> deployment.getMetadata().getName(), (deployment) -> deployment));
		assertThat(deployments).as("the three services and the issuer").hasSize(4);
		for (String service : List.of("orders", "inventory", "notifications")) {
			Deployment deployment = deployments.values()
				.stream()
				.filter((candidate) -> candidate.getMetadata().getName().contains(service))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no Deployment of " + service + " in " + deployments.keySet()));
			List<Container> containers = new ArrayList<>(deployment.getSpec().getTemplate().getSpec().getContainers());
			containers.addAll(deployment.getSpec().getTemplate().getSpec().getInitContainers());
			assertThat(containers).as("every image from the shared mirror")
				.allSatisfy((container) -> assertThat(container.getImage()).startsWith("mirror.example.com/"));
			Container app = containers.stream().filter((c) -> c.getName().equals("app")).findFirst().orElseThrow();
			assertThat(app.getImage()).contains("/bus-dev/sample-" + service + ":");
			Container sidecar = containers.stream()
				.filter((c) -> c.getName().equals("bus-sidecar"))
				.findFirst()
				.orElseThrow();
			Map<String, EnvVar> env = sidecar.getEnv()
				.stream()
				.collect(Collectors.toMap(EnvVar::getName, (variable) -> variable));
			assertThat(env.get("BUS_SIDECAR_CONSUL_URL").getValue()).as("shared")
				.isEqualTo("http://consul-server.consul.svc:8500");
			assertThat(env.get("BUS_SIDECAR_CONSUL_ACLTOKEN").getValueFrom().getSecretKeyRef().getName()).as("its own")
				.isEqualTo(service + "-consul-token");
			assertThat(app.getEnv()).anySatisfy((variable) -> assertThat(variable.getName())
				.isEqualTo(service.toUpperCase(Locale.ROOT) + "_CLIENT_SECRET"));
		}
		assertThat(Chart.validateOffline(manifests).problems()).isEmpty();
	}

	/**
	 * The issuer has the sample's clients of its application.yml, each with its secret
	 * from a Secret (so none of the public test secrets there is valid in a cluster), the
	 * people's passwords too, and the services ask it for their tokens.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void theIssuerTakesEverySecretFromASecretAndTheServicesUseIt() throws Exception {
		List<KubernetesResource> objects = Chart.parse(new Helm(UMBRELLA).template()
			.withName("shop")
			.withNamespace("shop")
			.withKubeVersion("1.30.0")
			.set("global.imageRegistry", "mirror.example.com")
			.call());
		Deployment issuer = objects.stream()
			.filter(Deployment.class::isInstance)
			.map(Deployment.class::cast)
			.filter((deployment) -> deployment.getMetadata().getName().equals("issuer"))
			.findFirst()
			.orElseThrow();
		assertThat(objects).anySatisfy((object) -> assertThat(object).isInstanceOfSatisfying(Service.class,
				(service) -> assertThat(service.getMetadata().getName()).isEqualTo("issuer")));
		Container container = issuer.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(container.getImage()).isEqualTo("mirror.example.com/bus-dev/sample-issuer:0.1.0");
		Map<String, EnvVar> env = container.getEnv()
			.stream()
			.collect(Collectors.toMap(EnvVar::getName, (variable) -> variable));

		Map<String, Object> application = Chart
			.yaml(Files.readString(Path.of("../bus-issuer/src/main/resources/application.yml")));
		Map<String, Object> server = (Map<String, Object>) ((Map<String, Object>) application.get("spring"))
			.get("security.oauth2.authorizationserver");
		Set<String> clients = ((Map<String, Object>) server.get("client")).keySet();
		assertThat(clients).as("the sample's clients").contains("orders", "operator", "console");
		for (String client : clients) {
			String upper = client.toUpperCase(Locale.ROOT);
			assertThat(env.get("CLIENT_SECRET_" + upper)).as(client).isNotNull();
			assertThat(env.get("CLIENT_SECRET_" + upper).getValueFrom().getSecretKeyRef().getName()).as(client)
				.endsWith("-oauth2-client");
			assertThat(
					env.get("SPRING_SECURITY_OAUTH2_AUTHORIZATIONSERVER_CLIENT_" + upper + "_REGISTRATION_CLIENTSECRET")
						.getValue())
				.as(client)
				.isEqualTo("{noop}$(CLIENT_SECRET_" + upper + ")");
		}
		Set<String> users = ((Map<String, Object>) application.get("bus.issuer.users")).keySet();
		for (String user : users) {
			assertThat(env.get("BUS_ISSUER_USERS_" + user.toUpperCase(Locale.ROOT) + "_PASSWORD")).as(user).isNotNull();
		}
		String url = env.get("SPRING_SECURITY_OAUTH2_AUTHORIZATIONSERVER_ISSUER").getValue();
		assertThat(objects.stream()
			.filter(Deployment.class::isInstance)
			.map(Deployment.class::cast)
			.filter((deployment) -> !deployment.getMetadata().getName().equals("issuer"))
			.map((deployment) -> deployment.getSpec()
				.getTemplate()
				.getSpec()
				.getContainers()
				.stream()
				.filter((c) -> c.getName().equals("app"))
				.findFirst()
				.orElseThrow())
			.toList()).hasSize(3)
			.allSatisfy((app) -> assertThat(app.getEnv()).as("the services ask this issuer").anySatisfy((variable) -> {
				assertThat(variable.getName()).isEqualTo("BUS_ISSUER");
				assertThat(variable.getValue()).isEqualTo(url);
			}));
	}

}

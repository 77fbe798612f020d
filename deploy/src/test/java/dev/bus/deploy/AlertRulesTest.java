package dev.bus.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's alert rules (a PrometheusRule), unit-tested with promtool as Prometheus
 * evaluates them: every alert against series that fire it and series that must not
 * (another service's, a flat counter, a window passed, a group with a consumer left); and
 * a broken rule fails the test, so the test can fail.
 */
class AlertRulesTest {

	private static final String TESTS = "bus-service-alerts-test.yaml";

	private static final Map<String, Object> MONITORED = Map.of("serviceMonitor.enabled", "true",
			"prometheusRule.enabled", "true", "consul.register", "true", "consul.url", "http://consul:8500");

	@TempDir
	Path directory;

	@Test
	void everyAlertFiresOnTheSeriesThatShouldFireItAndOnNoOther() throws Exception {
		List<Map<String, Object>> groups = groups(
				Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"), MONITORED));
		assertThat(groups).singleElement()
			.satisfies((group) -> assertThat(rules(group)).extracting((rule) -> rule.get("alert"))
				.containsExactly("BusDeadLettersGrowing", "BusPublishesFailing", "BusPublishConfirmsSlow",
						"BusListenerPaused", "BusListenerGroupWithoutConsumers", "BusNoBrokerPassing",
						"BusKeysetReloadFailing", "BusBrokerTokenFailing", "BusSpansDropped",
						"BusConsulRegistrationFailing"));

		Result result = promtool(groups);
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void aRuleThatNoLongerFiresFailsTheTests() throws Exception {
		List<Map<String, Object>> groups = groups(
				Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"), MONITORED));
		Map<String, Object> paused = rules(groups.get(0)).stream()
			.filter((rule) -> "BusListenerPaused".equals(rule.get("alert")))
			.findFirst()
			.orElseThrow();
		paused.put("expr", paused.get("expr").toString().replace("== 1", "== 2"));

		Result result = promtool(groups);
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("FAILED", "BusListenerPaused");
	}

	@Test
	void theRegistrationAlertOnlyWhereTheSidecarRegistersAndTheAppsMetricsAreScraped() {
		Chart.Rendered agentless = Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("serviceMonitor.enabled", "true", "prometheusRule.enabled", "true"));
		assertThat(rules(groups(agentless).get(0))).extracting((rule) -> rule.get("alert"))
			.as("consul-k8s registers the instance: no heartbeat of the sidecar's to fail")
			.doesNotContain("BusConsulRegistrationFailing")
			.contains("BusDeadLettersGrowing");
		assertThat(endpoints(agentless)).extracting((endpoint) -> endpoint.get("port"))
			.containsExactly("http", "sidecar-metrics");

		Chart.Rendered ownPort = Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"),
				Map.of("serviceMonitor.enabled", "true", "app.managementPort", "8081"));
		assertThat(endpoints(ownPort)).extracting((endpoint) -> endpoint.get("port"))
			.containsExactly("app-management", "sidecar-metrics");
		assertThat(ownPort.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName)
			.contains("app-management");
		assertThat(Chart.render("1.30.0", Chart.EXAMPLES.resolve("minimal.yaml"), Map.of("app.managementPort", "8081"))
			.one(Service.class)
			.getSpec()
			.getPorts()).extracting(ServicePort::getName)
			.as("not exposed when nothing scrapes it")
			.doesNotContain("app-management");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> groups(Chart.Rendered rendered) {
		Map<String, Object> spec = (Map<String, Object>) custom(rendered, "PrometheusRule").getAdditionalProperties()
			.get("spec");
		return (List<Map<String, Object>>) spec.get("groups");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules(Map<String, Object> group) {
		return (List<Map<String, Object>>) group.get("rules");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> endpoints(Chart.Rendered rendered) {
		Map<String, Object> spec = (Map<String, Object>) custom(rendered, "ServiceMonitor").getAdditionalProperties()
			.get("spec");
		return (List<Map<String, Object>>) spec.get("endpoints");
	}

	private static GenericKubernetesResource custom(Chart.Rendered rendered, String kind) {
		return rendered.all(GenericKubernetesResource.class)
			.stream()
			.filter((object) -> object.getKind().equals(kind))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
	}

	/**
	 * {@code promtool test rules} on the rules (JSON, which YAML reads) and the tests.
	 */
	private Result promtool(List<Map<String, Object>> groups) throws IOException, InterruptedException {
		Files.writeString(this.directory.resolve("rules.json"),
				new KubernetesSerialization().asJson(Map.of("groups", groups)));
		try (InputStream tests = AlertRulesTest.class.getResourceAsStream("/alerts/" + TESTS)) {
			Files.copy(tests, this.directory.resolve(TESTS));
		}
		Process process = new ProcessBuilder(TestTools.promtool().toString(), "test", "rules", TESTS)
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
		return new Result(process.exitValue(), output);
	}

	private record Result(int exitCode, String output) {
	}

}

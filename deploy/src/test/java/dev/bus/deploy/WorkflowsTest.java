package dev.bus.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub workflows, validated against the GitHub Actions schema by
 * {@code @action-validator/cli} (from npm, installed by {@code scripts/infra up}), with
 * every action pinned to a commit.
 */
class WorkflowsTest {

	private static final Path WORKFLOWS = Path.of("../.github/workflows").toAbsolutePath().normalize();

	private static final Pattern USES = Pattern.compile("uses:\\s*([^\\s#]+)(\\s*#\\s*(\\S+))?");

	static Stream<Path> workflows() throws IOException {
		return Files.list(WORKFLOWS).filter((file) -> file.toString().endsWith(".yml")).sorted();
	}

	@Test
	void thereIsACiAChartAnImagesAReleaseAndAnEndToEndWorkflow() throws IOException {
		assertThat(workflows().map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("ci.yml",
				"chart.yml", "images.yml", "release.yml", "e2e.yml");
		assertThat(Files.readString(WORKFLOWS.resolve("ci.yml"))).as("README's test command, as .ci/run")
			.contains("run: scripts/infra up && ./mvnw -B verify");
	}

	@ParameterizedTest
	@MethodSource("workflows")
	void validatesAgainstTheActionsSchema(Path workflow) throws Exception {
		Validation result = validate(workflow);
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void theValidatorRefusesAWorkflowGitHubWouldRefuse() throws Exception {
		Path broken = Files.createTempFile("broken", ".yml");
		Files.writeString(broken, "name: broken\non: push\njobs:\n  build:\n    runs-onn: ubuntu-latest\n"
				+ "    steps:\n      - run: echo hi\n");
		Validation result = validate(broken);
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("runs-onn");
	}

	@ParameterizedTest
	@MethodSource("workflows")
	void everyActionIsPinnedToACommitWithItsVersionBeside(Path workflow) throws IOException {
		Matcher uses = USES.matcher(Files.readString(workflow));
		while (uses.find()) {
			String action = uses.group(1);
			if (action.startsWith("./")) {
				continue; // a workflow of this repository
			}
			assertThat(action).as(workflow.getFileName() + ": " + action).matches("[\\w.-]+/[\\w./-]+@[0-9a-f]{40}");
			assertThat(uses.group(3)).as(action + " names its version in a comment").matches("v\\d+(\\.\\d+)*");
		}
	}

	@ParameterizedTest
	@MethodSource("workflows")
	void everyWorkflowStartsFromReadOnlyPermissions(Path workflow) throws IOException {
		Map<String, Object> permissions = map(workflow(workflow).get("permissions"));
		assertThat(permissions).as(workflow.getFileName() + ": top-level permissions")
			.containsEntry("contents", "read");
	}

	@ParameterizedTest
	@MethodSource("workflows")
	void aBuildOfOneModuleAlsoBuildsWhatItNeeds(Path workflow) throws IOException {
		Files.readString(workflow)
			.lines()
			.filter((line) -> line.contains("./mvnw") && line.contains(" -pl "))
			.forEach((line) -> assertThat(line).as(workflow.getFileName() + ": on a clean runner").contains(" -am"));
	}

	@Test
	void aReleaseWaitsForTheCiWorkflowAndPushesImagesOnlyThen() throws IOException {
		Map<String, Object> jobs = map(workflow(WORKFLOWS.resolve("release.yml")).get("jobs"));
		assertThat(map(jobs.get("ci"))).containsEntry("uses", "./.github/workflows/ci.yml");
		assertThat(map(jobs.get("release")).get("needs")).isEqualTo("ci");
		assertThat(map(jobs.get("images"))).containsEntry("needs", "ci")
			.containsEntry("uses", "./.github/workflows/images.yml");
		assertThat(map(workflow(WORKFLOWS.resolve("images.yml")).get("on"))).as("no push of its own")
			.containsKey("workflow_call")
			.doesNotContainKey("push");
		assertThat(map(workflow(WORKFLOWS.resolve("ci.yml")).get("on"))).containsKey("workflow_call");
		assertThat(Files.readString(WORKFLOWS.resolve("images.yml"))).as("every sample service has an image")
			.contains("SERVICE=orders", "SERVICE=inventory", "SERVICE=notifications");
		try (Stream<Path> files = Files.walk(WORKFLOWS.resolve("../.."), 3)) {
			List<String> dockerfiles = files.filter((file) -> file.getFileName().toString().equals("Dockerfile"))
				.map((file) -> WORKFLOWS.resolve("../..").normalize().relativize(file.normalize()).toString())
				.toList();
			assertThat(dockerfiles).as("the repository's Dockerfiles").contains("bus-issuer/Dockerfile");
			assertThat(Files.readString(WORKFLOWS.resolve("images.yml"))).as("every Dockerfile is built")
				.contains(dockerfiles);
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void imagesAreBuiltForAmd64AndArm64WithSbomsAndPushedOnesAreSignedKeyless() throws IOException {
		Map<String, Object> job = map(map(workflow(WORKFLOWS.resolve("images.yml")).get("jobs")).get("image"));
		assertThat(map(job.get("permissions"))).as("the OIDC token cosign signs with")
			.containsEntry("id-token", "write");
		List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
		Map<String, Object> build = steps.stream()
			.filter((step) -> String.valueOf(step.get("uses")).startsWith("docker/build-push-action@"))
			.findFirst()
			.orElseThrow();
		assertThat(map(build.get("with"))).containsEntry("platforms", "linux/amd64,linux/arm64")
			.containsEntry("sbom", true)
			.containsEntry("provenance", "mode=max");
		assertThat(steps)
			.anySatisfy((step) -> assertThat(String.valueOf(step.get("uses"))).startsWith("docker/setup-qemu-action@"));
		assertThat(steps).anySatisfy(
				(step) -> assertThat(String.valueOf(step.get("run"))).contains("cosign sign --yes", "@${DIGEST}"));
		assertThat(
				map(map(map(workflow(WORKFLOWS.resolve("release.yml")).get("jobs")).get("images")).get("permissions")))
			.as("a called workflow gets no more than its caller grants")
			.containsEntry("id-token", "write");
	}

	/**
	 * The e2e workflow runs on kind on a Kubernetes 1.29+ and an older version, and each
	 * of its steps after the build is a command of scripts/e2e/run, which E2eScriptsTest
	 * runs here where no cluster is needed.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void theEndToEndWorkflowRunsTheE2eScriptsStepsOnKindOnTwoKubernetesVersions() throws IOException {
		Map<String, Object> job = map(map(workflow(WORKFLOWS.resolve("e2e.yml")).get("jobs")).get("kind"));
		List<String> nodes = (List<String>) map(map(job.get("strategy")).get("matrix")).get("node");
		assertThat(nodes).hasSize(2)
			.anySatisfy((node) -> assertThat(node).matches("kindest/node:v1\\.(29|[3-9]\\d)\\.\\d+"))
			.anySatisfy((node) -> assertThat(node).matches("kindest/node:v1\\.(2[0-8])\\.\\d+"));
		List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
		assertThat(steps)
			.anySatisfy((step) -> assertThat(String.valueOf(step.get("uses"))).startsWith("helm/kind-action@"));
		List<String> commands = steps.stream()
			.map((step) -> step.get("run"))
			.filter((run) -> run != null && run.toString().startsWith("scripts/e2e/run "))
			.map((run) -> run.toString().split(" ")[1])
			.toList();
		assertThat(commands).containsExactly("images", "secrets", "platform", "dry-run", "install", "order-trace",
				"disruption", "diagnose");
	}

	@Test
	@SuppressWarnings("unchecked")
	void theChartIsPushedAsASignedOciArtifact() throws IOException {
		Map<String, Object> job = map(map(workflow(WORKFLOWS.resolve("chart.yml")).get("jobs")).get("package"));
		assertThat(map(job.get("permissions"))).containsEntry("packages", "write").containsEntry("id-token", "write");
		List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
		assertThat(steps)
			.anySatisfy((step) -> assertThat(String.valueOf(step.get("run"))).contains("helm push", "oci://ghcr.io/"));
		assertThat(steps).anySatisfy((step) -> assertThat(String.valueOf(step.get("run"))).contains("cosign sign --yes",
				"charts/${CHART}@${DIGEST}"));
		assertThat(String.valueOf(job.get("strategy"))).as("every chart, the library too")
			.contains("bus-sidecar", "bus-service", "bus-console");
		assertThat(steps).as("bus-service vendors the library it is built on")
			.anySatisfy((step) -> assertThat(String.valueOf(step.get("run"))).contains("--dependency-update"));
		assertThat(
				String.valueOf(map(map(workflow(WORKFLOWS.resolve("chart.yml")).get("jobs")).get("test")).get("steps")))
			.as("the render tests' offline schema validation needs kubernetes-models from npm")
			.contains("scripts/infra tools");
	}

	@Test
	void theLibrariesGoToMavenCentralSignedWithSourcesAndJavadocAndAPomCentralAccepts() throws IOException {
		String release = Files.readString(WORKFLOWS.resolve("release.yml"));
		assertThat(release).contains("./mvnw -B -Prelease deploy",
				"-pl bus-core,bus-spring-boot-starter,bus-test,bus-sidecar -am", "gpg-private-key:",
				"server-id: central");
		String pom = Files.readString(WORKFLOWS.resolve("../../pom.xml"));
		assertThat(pom).as("what Central requires of a POM")
			.contains("<url>https://github.com/bus-dev/bus</url>", "<licenses>", "<developers>", "<scm ",
					"<connection>scm:git:", "child.project.url.inherit.append.path=\"false\"");
		String profile = pom.substring(pom.indexOf("<id>release</id>"));
		assertThat(profile).contains("maven-source-plugin", "maven-javadoc-plugin", "maven-gpg-plugin",
				"central-publishing-maven-plugin");
	}

	@Test
	void dependabotKeepsThePinnedActionsAndTheMavenDependenciesCurrent() throws IOException {
		Map<String, Object> dependabot = Chart.yaml(Files.readString(WORKFLOWS.resolveSibling("dependabot.yml")));
		assertThat(dependabot).containsEntry("version", 2);
		assertThat((List<?>) dependabot.get("updates")).extracting((update) -> map(update).get("package-ecosystem"))
			.containsExactlyInAnyOrder("github-actions", "maven");
	}

	private static Map<String, Object> workflow(Path workflow) throws IOException {
		return Chart.yaml(Files.readString(workflow));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	private record Validation(int exitCode, String output) {
	}

	private static Validation validate(Path workflow) throws Exception {
		Path validator = TestTools.npmPackage(".bin/action-validator");
		Process process = new ProcessBuilder(List.of(validator.toString(), workflow.toString()))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Validation(process.exitValue(), output);
	}

}

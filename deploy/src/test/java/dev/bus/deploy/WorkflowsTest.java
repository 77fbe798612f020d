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
	void thereIsACiAChartAnImagesAndAReleaseWorkflow() throws IOException {
		assertThat(workflows().map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("ci.yml",
				"chart.yml", "images.yml", "release.yml");
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

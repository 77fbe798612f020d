package dev.bus.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The images' build steps, run as plain commands (there is no container engine here):
 * each Dockerfile's {@code scripts/image-layers extract} on the jar the build made and
 * {@code train} with its arguments, then its ENTRYPOINT in the extracted directory with
 * {@code -Xshare:on}, which refuses to start unless the trained AppCDS archive maps
 * (without it the JVM would silently run without the archive). What is not run here: the
 * base image, the copy between stages, the user switch, the layer cache, pushing.
 */
class ImageLayersIT {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void theSidecarImageStartsFromItsExtractedJarWithTheTrainedArchive() throws Exception {
		Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("bus-sidecar/Dockerfile"));
		assertThat(dockerfile.contextSources()).containsExactly("scripts/image-layers", "bus-sidecar/jvm.options",
				"bus-sidecar/target/bus-sidecar-*-exec.jar");
		assertContextSourcesExist(dockerfile);
		Path app = buildLayers(dockerfile, "bus-sidecar/target/bus-sidecar-*-exec.jar", "bus-sidecar/jvm.options");
		List<String> command = entrypoint(dockerfile, app);
		OtlpBackend backend = new OtlpBackend();
		command.addAll(List.of("--bus.sidecar.app.name=image-it", "--bus.sidecar.app.port=1",
				"--bus.sidecar.api.port=0", "--bus.sidecar.telemetry.port=0", "--bus.sidecar.management.port=0",
				"--bus.sidecar.management.address=127.0.0.1", "--bus.sidecar.consul.development=true",
				"--logging.structured.format.console=", "--bus.sidecar.telemetry.endpoint=" + backend.endpoint(),
				"--bus.sidecar.telemetry.schedule-delay=100ms"));
		Process sidecar = new ProcessBuilder(command).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(app.resolve("run.log").toFile())
			.start();
		try {
			String ready = awaitLine(app.resolve("run.log"), sidecar, "Sidecar management listening on ");
			HttpResponse<String> readiness = HTTP.send(
					HttpRequest.newBuilder(URI.create(url(ready) + "/actuator/health/readiness")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(readiness.statusCode()).isEqualTo(200);
			// The default exporter (OTLP) from the packaged jar: its classes load only
			// once spans arrive, so only a
			// span through the image finds a jar that lacks them.
			String telemetry = url(awaitLine(app.resolve("run.log"), sidecar, "Sidecar telemetry listening on "));
			HttpResponse<String> received = HTTP.send(HttpRequest.newBuilder(URI.create(telemetry + "/v1/traces"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(OtlpBackend.ONE_SPAN))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(received.statusCode()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(
						() -> assertThat(backend.exports()).as(Files.readString(app.resolve("run.log"))).isPositive());
		}
		finally {
			sidecar.destroy();
			sidecar.waitFor(20, TimeUnit.SECONDS);
			backend.close();
		}
	}

	private static String url(String logLine) {
		return logLine.substring(logLine.indexOf("http://")).strip();
	}

	@Test
	void theSampleServiceImageRefreshesItsContextWithTheTrainedArchive() throws Exception {
		Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("sample-services/Dockerfile"));
		assertThat(dockerfile.contextSources()).containsExactly("scripts/image-layers",
				"sample-services/${SERVICE}/target/sample-${SERVICE}-*-exec.jar");
		startsToItsContextRefresh(dockerfile,
				buildLayers(dockerfile, "sample-services/orders/target/sample-orders-*-exec.jar", null));
	}

	@Test
	void theConsoleImageStartsFromItsTrainedArchive() throws Exception {
		Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("bus-console/Dockerfile"));
		assertThat(dockerfile.contextSources()).containsExactly("scripts/image-layers",
				"bus-console/target/bus-console-*-exec.jar");
		startsToItsContextRefresh(dockerfile,
				buildLayers(dockerfile, "bus-console/target/bus-console-*-exec.jar", null));
	}

	/**
	 * The sample issuer's image has no archive (training would need a signing key): its
	 * extracted jar starts with a key from a file and takes a client's secret from the
	 * variable the umbrella chart sets from a Secret, after which the public test secret
	 * of its application.yml is refused.
	 */
	@Test
	void theIssuerImageStartsWithItsKeyAndClientSecretsAsTheUmbrellaChartGivesThem() throws Exception {
		Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("bus-issuer/Dockerfile"));
		assertThat(dockerfile.contextSources()).containsExactly("scripts/image-layers",
				"bus-issuer/target/bus-issuer.jar");
		assertThat(dockerfile.imageLayersArguments("extract").get(1)).isEqualTo("-");
		assertThat(dockerfile.workdir()).isEqualTo("/app");
		Path app = Files.createTempDirectory("bus-image").resolve("app");
		run(app.getParent(), "extract", List.of(ROOT.resolve("scripts/image-layers").toString(), "extract",
				find("bus-issuer/target/bus-issuer.jar").toString(), "-", app.toString()));
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		Path key = app.getParent().resolve("signing-key.pem");
		Files.writeString(key,
				"-----BEGIN PRIVATE KEY-----\n"
						+ Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
						+ "\n-----END PRIVATE KEY-----\n");
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		ProcessBuilder builder = new ProcessBuilder(dockerfile.entrypoint()).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(app.resolve("run.log").toFile());
		builder.environment().put("BUS_ISSUER_SIGNINGKEY", "file:" + key);
		builder.environment().put("BUS_ISSUER_PORT", String.valueOf(port));
		builder.environment()
			.put("SPRING_SECURITY_OAUTH2_AUTHORIZATIONSERVER_CLIENT_ORDERS_REGISTRATION_CLIENTSECRET",
					"{noop}from-a-secret");
		builder.environment().put("BUS_ISSUER_USERS_VIEWER_PASSWORD", "{noop}from-a-secret");
		Process issuer = builder.start();
		try {
			awaitLine(app.resolve("run.log"), issuer, "Started BusIssuerApplication");
			assertThat(tokenStatus(port, "orders:from-a-secret")).as("the Secret's").isEqualTo(200);
			assertThat(tokenStatus(port, "orders:orders-secret")).as("the public test secret").isEqualTo(401);
		}
		finally {
			issuer.destroy();
			issuer.waitFor(20, TimeUnit.SECONDS);
		}
	}

	private static int tokenStatus(int port, String client) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
				.header("Authorization",
						"Basic " + Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8)))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers
					.ofString("grant_type=client_credentials&scope=bus.publish%3Aorders.created"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	/**
	 * Runs the image's ENTRYPOINT in its directory until Spring's context has refreshed
	 * (the JVM fails when the trained archive is unusable).
	 */
	private static void startsToItsContextRefresh(Dockerfile dockerfile, Path app) throws Exception {
		List<String> command = entrypoint(dockerfile, app);
		command.add(1, "-Dspring.context.exit=onRefresh");
		Process process = new ProcessBuilder(command).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(app.resolve("run.log").toFile())
			.start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(Files.readString(app.resolve("run.log"))).isZero();
	}

	/**
	 * Runs scripts/image-layers as the Dockerfile does, on the jar this build made;
	 * returns the app directory.
	 */
	private static Path buildLayers(Dockerfile dockerfile, String jarGlob, String jvmOptions) throws Exception {
		List<String> extract = dockerfile.imageLayersArguments("extract");
		assertThat(extract.get(1)).as("the Dockerfile's JVM options argument")
			.isEqualTo((jvmOptions != null) ? "jvm.options" : "-");
		assertThat(dockerfile.workdir()).as("the image runs where it was trained").isEqualTo("/app");
		Path app = Files.createTempDirectory("bus-image").resolve("app");
		run(app.getParent(), "extract",
				List.of(ROOT.resolve("scripts/image-layers").toString(), "extract", find(jarGlob).toString(),
						(jvmOptions != null) ? ROOT.resolve(jvmOptions).toString() : "-", app.toString()));
		List<String> train = new ArrayList<>(List.of(ROOT.resolve("scripts/image-layers").toString(), "train"));
		train.addAll(dockerfile.imageLayersArguments("train"));
		run(app, "train", train);
		assertThat(app.resolve("app.jar")).isRegularFile();
		assertThat(app.resolve("app.jsa")).isNotEmptyFile();
		assertThat(app.resolve("lib")).isDirectory();
		return app;
	}

	private static void run(Path directory, String step, List<String> command) throws Exception {
		Path log = Files.createTempFile("image-layers-" + step, ".log");
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(step + ": " + Files.readString(log)).isZero();
	}

	/**
	 * The ENTRYPOINT, with sharing required: the JVM then fails to start when the archive
	 * is unusable.
	 */
	private static List<String> entrypoint(Dockerfile dockerfile, Path app) {
		List<String> command = new ArrayList<>(dockerfile.entrypoint());
		assertThat(command.get(0)).isEqualTo("java");
		assertThat(command).as("paths relative to the working directory, as the archive recorded them")
			.noneMatch((word) -> word.contains("/app/"));
		command.add(1, "-Xshare:on");
		return command;
	}

	private static void assertContextSourcesExist(Dockerfile dockerfile) throws IOException {
		for (String source : dockerfile.contextSources()) {
			assertThat(find(source)).as(source).exists();
		}
	}

	private static Path find(String glob) throws IOException {
		PathMatcher matcher = ROOT.getFileSystem().getPathMatcher("glob:" + ROOT + "/" + glob);
		Path parent = ROOT.resolve(glob.substring(0, glob.lastIndexOf('/')));
		if (!Files.isDirectory(parent)) {
			throw new AssertionError(parent + " is missing: build the jars first (./mvnw verify builds them)");
		}
		try (Stream<Path> files = Files.list(parent)) {
			return files.filter(matcher::matches)
				.findFirst()
				.orElseThrow(() -> new AssertionError("Nothing matches " + glob + ": build the jars first"));
		}
	}

	private static String awaitLine(Path log, Process process, String marker) {
		return await().atMost(Duration.ofSeconds(60)).until(() -> {
			if (!process.isAlive()) {
				throw new AssertionError("Exited with " + process.exitValue() + ": " + Files.readString(log));
			}
			return Files.exists(log)
					? Files.readAllLines(log).stream().filter((line) -> line.contains(marker)).findFirst().orElse(null)
					: null;
		}, java.util.Objects::nonNull);
	}

}

package dev.bus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The tools {@code scripts/infra up} installs for these tests. */
final class TestTools {

	private TestTools() {
	}

	/**
	 * A package of the npm prefix {@code scripts/infra up} fills
	 * ({@code $BUS_INFRA_HOME/npm}).
	 * @throws AssertionError saying how to install it when it is missing
	 */
	static Path npmPackage(String name) {
		return installed(home().resolve("npm/node_modules").resolve(name));
	}

	/**
	 * {@code promtool}, unpacked from Debian's prometheus package by {@code scripts/infra
	 * up} ({@code $BUS_INFRA_HOME/prometheus}).
	 * @throws AssertionError saying how to install it when it is missing
	 */
	static Path promtool() {
		return installed(home().resolve("prometheus/usr/bin/promtool"));
	}

	/**
	 * {@code kubectl} 1.31 with its built-in Kustomize, unpacked by {@code scripts/infra
	 * up} ({@code $BUS_INFRA_HOME/kubectl}).
	 * @throws AssertionError saying how to install it when it is missing
	 */
	static Path kubectl() {
		return installed(home().resolve("kubectl/kubectl"));
	}

	/**
	 * Runs a command with the test tools' kubectl first on the path and returns what it
	 * printed; fails with it when the command fails or takes over two minutes.
	 */
	static String run(List<String> command) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment()
				.put("PATH", kubectl().getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin"));
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static Path home() {
		return Path.of(System.getenv()
			.getOrDefault("BUS_INFRA_HOME",
					System.getenv().getOrDefault("HOME", System.getProperty("user.home")) + "/.cache/bus-infra"));
	}

	private static Path installed(Path path) {
		if (!Files.exists(path)) {
			throw new AssertionError(path + " is missing. Install the test tools with: scripts/infra up");
		}
		return path;
	}

}

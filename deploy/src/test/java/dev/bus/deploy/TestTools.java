package dev.bus.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

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

package dev.bus.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scripts/infra} of this checkout, run by the fault tests for what only the script
 * knows how to do (the clusters' layout, the network faults): its standard error goes to
 * the test's, its standard output is returned.
 */
final class InfraScript {

	private InfraScript() {
	}

	/**
	 * Runs {@code scripts/infra ARGUMENTS} and returns what it printed; fails the test,
	 * saying what the script said, when it fails.
	 */
	static String run(String... arguments) {
		Result result = attempt(arguments);
		if (result.exitCode() != 0) {
			throw new AssertionError("scripts/infra " + String.join(" ", arguments) + " failed (exit "
					+ result.exitCode() + "); the fault tests need Consul (scripts/infra up), root for the partition "
					+ "cluster. Output:\n" + result.output());
		}
		return result.output();
	}

	/** Runs {@code scripts/infra ARGUMENTS}, whatever its exit code. */
	static Result attempt(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(script().toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			String output = new String(process.getInputStream().readAllBytes());
			return new Result(process.waitFor(), output);
		}
		catch (IOException ex) {
			throw new AssertionError("cannot run " + command + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted running " + command, ex);
		}
	}

	/** scripts/infra of this checkout: the tests run in a module directory below it. */
	private static Path script() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path script = dir.resolve("scripts/infra");
			if (Files.isExecutable(script)) {
				return script;
			}
		}
		throw new AssertionError("scripts/infra not found above " + Path.of("").toAbsolutePath());
	}

	record Result(int exitCode, String output) {
	}

}

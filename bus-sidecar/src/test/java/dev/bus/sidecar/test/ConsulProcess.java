package dev.bus.sidecar.test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A Consul dev agent of the test's own, on its own ports, that the test may stop and
 * start again (a dev agent keeps its state in memory, so a restart loses every
 * registration, as a crashed agent would). Uses the binary {@code scripts/infra up}
 * installs.
 */
public final class ConsulProcess implements AutoCloseable {

	private final int httpPort;

	private final Path log;

	private final List<String> hcl;

	private Process process;

	public ConsulProcess(int httpPort, String... hcl) throws IOException {
		this.httpPort = httpPort;
		this.hcl = List.of(hcl);
		this.log = Files.createTempFile("bus-consul-" + httpPort, ".log");
	}

	public String url() {
		return "http://127.0.0.1:" + this.httpPort;
	}

	public ConsulApi api() {
		return new ConsulApi(url());
	}

	public ConsulApi api(String aclToken) {
		return new ConsulApi(url(), aclToken);
	}

	public void start() throws IOException {
		int base = this.httpPort;
		List<String> command = new java.util.ArrayList<>(List.of(binary(), "agent", "-dev", "-client", "127.0.0.1",
				"-bind", "127.0.0.1", "-node", "bus-test-" + base, "-http-port", String.valueOf(base), "-dns-port",
				"-1", "-grpc-port", "-1", "-server-port", String.valueOf(base + 1), "-serf-lan-port",
				String.valueOf(base + 2), "-serf-wan-port", String.valueOf(base + 3)));
		this.hcl.forEach((fragment) -> command.addAll(List.of("-hcl", fragment)));
		this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
		ConsulApi api = api();
		await("Consul test agent on " + url() + " (log: " + this.log + ")").atMost(Duration.ofSeconds(30))
			.until(() -> this.process.isAlive() && api.isUp());
	}

	public void stop() {
		if (this.process != null) {
			this.process.destroy();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

	private static String binary() {
		// Where scripts/infra puts it: $BUS_INFRA_HOME, else $HOME/.cache/bus-infra (the
		// shell's HOME, which is not
		// always Java's user.home).
		String infra = System.getenv()
			.getOrDefault("BUS_INFRA_HOME",
					System.getenv().getOrDefault("HOME", System.getProperty("user.home")) + "/.cache/bus-infra");
		for (String candidate : List.of(infra + "/consul/usr/bin/consul", "/usr/bin/consul", "/usr/local/bin/consul")) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		throw new AssertionError("No consul binary found. Install it with: scripts/infra up");
	}

}

package dev.bus.sidecar.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made
 * with the openssl command line (PEM files in a temporary directory), for tests against a
 * TLS Consul agent.
 */
public final class TestCertificates {

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	public static TestCertificates create() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("bus-test-certs");
		TestCertificates certificates = new TestCertificates(directory);
		Files.writeString(directory.resolve("server.ext"),
				"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
		Files.writeString(directory.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
		certificates.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
				"-days", "2", "-subj", "/CN=bus-test-ca");
		for (String name : List.of("server", "client")) {
			certificates.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
					name + ".csr", "-subj", "/CN=bus-test-" + name);
			certificates.openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
					"-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
		}
		return certificates;
	}

	/**
	 * A PEM file of this set: {@code ca.crt}, {@code server.crt}, {@code server.key},
	 * {@code client.crt}, ...
	 */
	public Path file(String name) {
		return this.directory.resolve(name);
	}

	private void openssl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new AssertionError("openssl " + String.join(" ", arguments) + " failed (install Debian's openssl "
					+ "package): " + output);
		}
	}

}

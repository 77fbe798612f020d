package dev.bus.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What the secured contenders set on scripts/infra's secured node: the node's
 * administrator ("Bus (secured node)"), or broker and per-message tokens from the test
 * issuer's bench client, bound and proved or bearer.
 */
record SecuredSettings(boolean tokens, boolean proofs) {

	private static final String ISSUER = "http://127.0.0.1:9000";

	/** The secured node's administrator password, which scripts/infra up generates. */
	private static String securedAdminPassword() {
		String home = System.getenv("BUS_INFRA_HOME");
		java.nio.file.Path file = ((home != null) ? java.nio.file.Path.of(home)
				: java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "bus-infra"))
			.resolve("secured-rabbitmq/admin-password");
		try {
			return java.nio.file.Files.readString(file).strip();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("No password of the secured node in " + file + ": run scripts/infra up",
					ex);
		}
	}

	String[] properties() {
		if (!this.tokens) {
			return new String[] { "spring.rabbitmq.username=bus-admin",
					"spring.rabbitmq.password=" + securedAdminPassword() };
		}
		List<String> properties = new ArrayList<>();
		registration(properties, "bus-broker",
				"rabbitmq.configure:*/bench-bus-*,"
						+ "rabbitmq.write:*/bench-bus-*/bench.*,rabbitmq.read:*/bench-bus-*/bench.*,"
						+ "rabbitmq.configure:*/bench.*,rabbitmq.read:*/bench.*,rabbitmq.write:*/bench.*,"
						+ "rabbitmq.write:*/amq.default");
		registration(properties, "bus-messages", "bus.publish:bench.*");
		properties
			.addAll(List.of("spring.security.oauth2.client.provider.bus-issuer.token-uri=" + ISSUER + "/oauth2/token",
					"bus.security.broker-token.registration=bus-broker",
					"bus.security.message-token.registration=bus-messages", "bus.security.message-token.topics=bench.#",
					"bus.security.message-token.issuer-uri=" + ISSUER,
					"bus.security.message-token.jwk-set-uri=" + ISSUER + "/oauth2/jwks",
					"bus.security.message-token.require-proof=" + this.proofs));
		return properties.toArray(String[]::new);
	}

	private static void registration(List<String> properties, String id, String scopes) {
		String prefix = "spring.security.oauth2.client.registration." + id + ".";
		properties.addAll(List.of(prefix + "client-id=bus-bench", prefix + "client-secret=bus-bench-secret",
				prefix + "authorization-grant-type=client_credentials", prefix + "provider=bus-issuer",
				prefix + "scope=" + scopes));
	}

}

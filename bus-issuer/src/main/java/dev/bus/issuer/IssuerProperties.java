package dev.bus.issuer;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The issuer's signing key and the people who log in to it.
 *
 * @param signingKey PEM file with the RSA private key (PKCS#8) that signs every token;
 * {@code scripts/infra} makes it and gives the secured RabbitMQ node its public half
 * @param keyId the key id ({@code kid}) in each token's header, which the secured node
 * looks the key up by
 * @param users the people who log in (the console's viewer and operator in the sample
 * system), by user name
 */
@ConfigurationProperties("bus.issuer")
public record IssuerProperties(Resource signingKey, String keyId, Map<String, User> users) {

	public IssuerProperties {
		if (signingKey == null) {
			throw new IllegalArgumentException("bus.issuer.signing-key must name the PEM file of the RSA signing key");
		}
		if (keyId == null || keyId.isBlank()) {
			keyId = "bus-issuer";
		}
		users = (users != null) ? Map.copyOf(users) : Map.of();
		users.forEach((name, user) -> {
			if (user.password() == null || user.password().isBlank()) {
				throw new IllegalArgumentException("bus.issuer.users." + name + ".password must be set");
			}
		});
	}

	/**
	 * One person.
	 *
	 * @param password the password, in Spring Security's {@code {id}encoded} form
	 * @param roles the roles the ID token's {@code roles} claim carries (the console's
	 * {@code viewer}, {@code operator})
	 */
	public record User(String password, List<String> roles) {

		public User {
			roles = (roles != null) ? List.copyOf(roles) : List.of();
		}

	}

}

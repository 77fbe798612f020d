package dev.bus.issuer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The issuer's signing key.
 *
 * @param signingKey PEM file with the RSA private key (PKCS#8) that signs every token;
 * {@code scripts/infra} makes it and gives the secured RabbitMQ node its public half
 * @param keyId the key id ({@code kid}) in each token's header, which the secured node
 * looks the key up by
 */
@ConfigurationProperties("bus.issuer")
public record IssuerProperties(Resource signingKey, String keyId) {

	public IssuerProperties {
		if (signingKey == null) {
			throw new IllegalArgumentException("bus.issuer.signing-key must name the PEM file of the RSA signing key");
		}
		if (keyId == null || keyId.isBlank()) {
			keyId = "bus-issuer";
		}
	}

}

package dev.bus.issuer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Signs with the RSA key from {@code bus.issuer.signing-key} instead of the random key
 * Boot would make, so that the secured RabbitMQ node (which reads the public half from a
 * file) and restarts of the issuer agree.
 */
@Configuration(proxyBeanMethods = false)
class SigningKeyConfiguration {

	@Bean
	JWKSource<SecurityContext> jwkSource(IssuerProperties properties) throws IOException, GeneralSecurityException {
		RSAPrivateCrtKey privateKey = readPrivateKey(properties);
		RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
			.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
		RSAKey key = new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(properties.keyId()).build();
		return new ImmutableJWKSet<>(new JWKSet(key));
	}

	private static RSAPrivateCrtKey readPrivateKey(IssuerProperties properties) throws IOException {
		String pem;
		try (InputStream in = properties.signingKey().getInputStream()) {
			pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		PrivateKey key = PemContent.of(pem).getPrivateKey();
		if (!(key instanceof RSAPrivateCrtKey rsa)) {
			throw new IllegalStateException("bus.issuer.signing-key must hold an RSA private key in PKCS#8 PEM");
		}
		return rsa;
	}

}

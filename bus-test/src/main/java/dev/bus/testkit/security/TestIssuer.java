package dev.bus.testkit.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.bus.security.ClientToken;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageTokenSource;
import dev.bus.security.MessageTokenVerifier;

/**
 * An OAuth2 issuer inside the test: it signs per-message tokens with a key made in
 * memory, and the application's listeners verify them against that key, so that
 * {@code bus.security.message-token.topics}, {@code @PreAuthorize} listeners and
 * {@code publishers=} run as in production without an issuer process. The application's
 * own publishes get their tokens from it ({@link #tokensFor}); a test makes others, valid
 * or not, with {@link #token(String)}.
 *
 * <p>
 * One key serves every context of a test run: making an RSA key takes a few tens of
 * milliseconds, and nothing outside the JVM ever trusts it.
 */
public final class TestIssuer {

	/** The issuer ({@code iss}) of every token it signs; no such host exists. */
	public static final String ISSUER = "https://issuer.bus-test.invalid";

	/** How long the tokens it gives the application live. */
	static final Duration APPLICATION_TOKEN_LIFETIME = Duration.ofHours(1);

	private final String audience;

	private final Clock clock;

	/**
	 * @param audience the audience the application's listeners require
	 * ({@code bus.security.message-token.audience})
	 */
	public TestIssuer(String audience, Clock clock) {
		this.audience = audience;
		this.clock = clock;
	}

	/**
	 * A token for {@code subject} (the broker user whose messages it will go with), for
	 * the bus's audience, valid from now for an hour, with no scopes and not bound to a
	 * key until the builder says so.
	 */
	public TokenBuilder token(String subject) {
		return new TokenBuilder(subject);
	}

	/**
	 * What the application's listeners verify tokens with: this issuer's key, issuer and
	 * the audience.
	 */
	public MessageTokenVerifier verifier() {
		try {
			return MessageTokenVerifier.of(NimbusJwtDecoder.withPublicKey(Key.RSA.toRSAPublicKey()).build(), ISSUER,
					this.audience);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("the test issuer's key is not an RSA public key", ex);
		}
	}

	/**
	 * The tokens a publisher gets from this issuer, as it would from its client
	 * registration: for {@code subject} (asked for each time, since the broker user may
	 * be known only later), with {@code scopes}, bound to {@code key} unless it is
	 * {@code null}.
	 */
	public MessageTokenSource tokensFor(Supplier<String> subject, Collection<String> scopes, MessageProofKey key) {
		return new IssuedTokens(this, subject, List.copyOf(scopes), key);
	}

	Clock clock() {
		return this.clock;
	}

	/** A token being made; {@link #sign()} makes it. */
	public final class TokenBuilder {

		private String subject;

		private final Set<String> scopes = new LinkedHashSet<>();

		private String audience = TestIssuer.this.audience;

		private String issuer = ISSUER;

		private Instant issuedAt = TestIssuer.this.clock.instant();

		private Instant expiresAt = this.issuedAt.plus(APPLICATION_TOKEN_LIFETIME);

		private String boundKey;

		private TokenBuilder(String subject) {
			this.subject = subject;
		}

		/** Another subject than the one it was made for. */
		public TokenBuilder subject(String subject) {
			this.subject = subject;
			return this;
		}

		/** Scopes it grants and no others, replacing those it had. */
		public TokenBuilder onlyScopes(String... scopes) {
			this.scopes.clear();
			return scopes(scopes);
		}

		/** Not bound to a key: a bearer token. */
		public TokenBuilder unbound() {
			this.boundKey = null;
			return this;
		}

		/** Scopes it grants, such as {@code bus.publish:orders.*}. */
		public TokenBuilder scopes(String... scopes) {
			this.scopes.addAll(Arrays.asList(scopes));
			return this;
		}

		/** Scopes it grants. */
		public TokenBuilder scopes(Collection<String> scopes) {
			this.scopes.addAll(scopes);
			return this;
		}

		/** Another audience than the bus's (a token for the broker, say). */
		public TokenBuilder audience(String audience) {
			this.audience = audience;
			return this;
		}

		/** Another issuer than this one: signed by this issuer's key all the same. */
		public TokenBuilder issuer(String issuer) {
			this.issuer = issuer;
			return this;
		}

		/** When it was issued and when it expires. */
		public TokenBuilder validBetween(Instant issuedAt, Instant expiresAt) {
			this.issuedAt = issuedAt;
			this.expiresAt = expiresAt;
			return this;
		}

		/**
		 * Bound to {@code key} ({@code cnf.jkt}, RFC 9449): it counts only with a message
		 * proof signed with that key.
		 */
		public TokenBuilder boundTo(MessageProofKey key) {
			this.boundKey = key.thumbprint();
			return this;
		}

		/** The signed token. */
		public String sign() {
			return token().value();
		}

		ClientToken token() {
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.issuer)
				.subject(this.subject)
				.audience(this.audience)
				.issueTime(Date.from(this.issuedAt))
				.notBeforeTime(Date.from(this.issuedAt))
				.expirationTime(Date.from(this.expiresAt))
				.jwtID(UUID.randomUUID().toString())
				.claim("scope", String.join(" ", this.scopes));
			if (this.boundKey != null) {
				claims.claim("cnf", Map.of("jkt", this.boundKey));
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(Key.RSA.getKeyID()).build(),
					claims.build());
			try {
				jwt.sign(new RSASSASigner(Key.RSA));
			}
			catch (JOSEException ex) {
				throw new IllegalStateException("the test issuer cannot sign", ex);
			}
			return new ClientToken(jwt.serialize(), this.subject, Set.copyOf(this.scopes), this.issuedAt,
					this.expiresAt, this.boundKey);
		}

	}

	/** The key, made once per JVM, when first used. */
	private static final class Key {

		static final RSAKey RSA;

		static {
			try {
				RSA = new RSAKeyGenerator(2048).keyID("bus-test-issuer").generate();
			}
			catch (JOSEException ex) {
				throw new IllegalStateException("cannot make the test issuer's key", ex);
			}
		}

	}

}

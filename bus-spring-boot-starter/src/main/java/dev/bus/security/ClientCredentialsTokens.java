package dev.bus.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The client-credentials tokens of one Spring Security client registration: fetched on
 * demand, the last one kept, and the last failure remembered for health. Spring
 * Security's {@code OAuth2AuthorizedClientManager} is not used because it hands out a
 * cached token until a fixed skew before expiry and cannot be told to replace one early,
 * which a live AMQP connection's refresh needs.
 *
 * <p>
 * Tokens never leave this class except to their callers: no log line or failure
 * description shows one, nor the client secret.
 */
public class ClientCredentialsTokens implements MessageTokenSource {

	private static final Log logger = LogFactory.getLog(ClientCredentialsTokens.class);

	/** Lifetime assumed for a token that says nothing of its expiry. */
	static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

	private final ClientRegistration registration;

	private final OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenClient;

	private final Clock clock;

	private final Object lock = new Object();

	private volatile ClientToken token;

	private volatile String problem;

	private final AtomicLong failedFetches = new AtomicLong();

	public ClientCredentialsTokens(ClientRegistration registration,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenClient, Clock clock) {
		this.registration = registration;
		this.tokenClient = tokenClient;
		this.clock = clock;
	}

	/** The last token obtained, or {@code null}. */
	public ClientToken current() {
		return this.token;
	}

	/**
	 * The last token, or a new one when no more than {@code share} of its lifetime is
	 * left (0: when it expired). When the new one cannot be obtained, the last one serves
	 * until it expires: an issuer outage shorter than {@code share} of a token's lifetime
	 * goes unnoticed (except in {@link #problem()}).
	 * @throws TokenUnavailableException when there is no unexpired token and a new one
	 * cannot be obtained
	 */
	@Override
	public ClientToken currentWithAtLeast(double share) {
		ClientToken current = this.token;
		if (current != null && !current.hasNoMoreLeftThan(share, this.clock.instant())) {
			return current;
		}
		synchronized (this.lock) {
			current = this.token;
			if (current != null && !current.hasNoMoreLeftThan(share, this.clock.instant())) {
				return current;
			}
			try {
				return fetch();
			}
			catch (TokenUnavailableException ex) {
				if (current != null && !current.hasNoMoreLeftThan(0, this.clock.instant())) {
					return current;
				}
				throw ex;
			}
		}
	}

	/**
	 * Obtains a new token from the token endpoint.
	 * @throws TokenUnavailableException when it cannot
	 */
	public ClientToken fetch() {
		synchronized (this.lock) {
			OAuth2AccessToken accessToken;
			try {
				accessToken = this.tokenClient
					.getTokenResponse(new OAuth2ClientCredentialsGrantRequest(this.registration))
					.getAccessToken();
			}
			catch (RuntimeException ex) {
				this.failedFetches.incrementAndGet();
				this.problem = "cannot obtain a token for " + describeClient() + ": " + ex.getClass().getSimpleName()
						+ ": " + ex.getMessage();
				throw new TokenUnavailableException(this.problem);
			}
			ClientToken fetched = read(accessToken);
			this.token = fetched;
			this.problem = null;
			if (logger.isDebugEnabled()) {
				logger.debug("Obtained a token for " + describeClient() + ": subject " + fetched.subject() + ", "
						+ fetched.scopes().size() + " scopes, expires at " + fetched.expiresAt());
			}
			return fetched;
		}
	}

	/** Requests to the token endpoint that failed, since start. */
	public long failedFetches() {
		return this.failedFetches.get();
	}

	/**
	 * Why no token could be obtained the last time, or {@code null} when the last attempt
	 * worked.
	 */
	public String problem() {
		return this.problem;
	}

	/** The client id, registration id and token endpoint: for health and messages. */
	@Override
	public String describeClient() {
		return "client '" + this.registration.getClientId() + "' of registration '"
				+ this.registration.getRegistrationId() + "' at "
				+ this.registration.getProviderDetails().getTokenUri();
	}

	/**
	 * The subject, scopes and expiry a verifier will see: the JWT's claims, or for an
	 * opaque token the token response's scopes and expiry.
	 */
	private ClientToken read(OAuth2AccessToken accessToken) {
		Instant now = this.clock.instant();
		String subject = null;
		String boundKey = null;
		Set<String> scopes = new TreeSet<>(accessToken.getScopes());
		Instant expiresAt = accessToken.getExpiresAt();
		try {
			JWTClaimsSet claims = JWTParser.parse(accessToken.getTokenValue()).getJWTClaimsSet();
			subject = claims.getSubject();
			if (claims.getExpirationTime() != null) {
				expiresAt = claims.getExpirationTime().toInstant();
			}
			Map<String, Object> confirmation = claims.getJSONObjectClaim("cnf");
			if (confirmation != null && confirmation.get("jkt") instanceof String thumbprint) {
				boundKey = thumbprint;
			}
			Set<String> claimed = ScopeClaim.read(claims.getClaim("scope"));
			if (claimed != null) {
				scopes = claimed;
			}
		}
		catch (ParseException ex) {
			logger.debug("The token of " + describeClient() + " is not a JWT; its scopes come from the token response");
		}
		if (expiresAt == null) {
			expiresAt = now.plus(DEFAULT_LIFETIME);
		}
		return new ClientToken(accessToken.getTokenValue(), subject, Collections.unmodifiableSet(scopes), now,
				expiresAt, boundKey);
	}

	/** No token could be obtained; the message says why, without secrets. */
	public static class TokenUnavailableException extends RuntimeException {

		public TokenUnavailableException(String message) {
			super(message);
		}

	}

}

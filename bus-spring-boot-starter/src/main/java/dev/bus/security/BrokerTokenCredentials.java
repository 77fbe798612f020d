package dev.bus.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.rabbitmq.client.impl.CredentialsProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import dev.bus.publisher.BrokerAccess;

/**
 * The application's RabbitMQ credentials as an OAuth2 client-credentials token from a Spring Security client
 * registration: the token is the AMQP password (RabbitMQ's OAuth2 backend authenticates its {@code sub}), fetched
 * when a connection opens without a valid one and again when amqp-client's credentials refresh service calls
 * {@link #refresh()} before expiry, after which the service updates the secret on every live connection.
 *
 * <p>Also the {@link BrokerAccess} of the publisher: the token's subject is the {@code user_id} of every message,
 * and its write scopes tell which topics the broker will accept.
 *
 * <p>The token never leaves this class except as the password: no log line, exception message or health detail
 * shows it. A failure to obtain one is kept for health ({@link #problem()}) and reported without the client
 * secret: the token endpoint, the client id and what went wrong.
 */
public class BrokerTokenCredentials implements CredentialsProvider, BrokerAccess {

	private static final Log logger = LogFactory.getLog(BrokerTokenCredentials.class);

	/**
	 * The shortest time before expiration reported to the refresh service, which refreshes after a ratio of it:
	 * with an expired token and the issuer down, this paces the attempts instead of letting them spin.
	 */
	static final Duration MIN_TIME_BEFORE_EXPIRATION = Duration.ofSeconds(2);

	/** Lifetime assumed for a token that says nothing of its expiry. */
	static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

	private final ClientRegistration registration;

	private final OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenClient;

	private final String resourceServerId;

	private final String virtualHost;

	private final Clock clock;

	private final Object lock = new Object();

	private volatile BrokerToken token;

	private volatile RabbitScopes scopes;

	private volatile String problem;

	/**
	 * @param registration the client registration (client credentials grant)
	 * @param tokenClient what calls the token endpoint
	 * @param resourceServerId RabbitMQ's {@code auth_oauth2.resource_server_id}, the scopes' prefix
	 * @param virtualHost the virtual host the application connects to
	 * @param clock the clock expiry is judged by
	 */
	public BrokerTokenCredentials(ClientRegistration registration,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenClient, String resourceServerId,
			String virtualHost, Clock clock) {
		this.registration = registration;
		this.tokenClient = tokenClient;
		this.resourceServerId = resourceServerId;
		this.virtualHost = virtualHost;
		this.clock = clock;
	}

	@Override
	public String getUsername() {
		String subject = currentToken().subject();
		return (subject != null) ? subject : this.registration.getClientId();
	}

	@Override
	public String getPassword() {
		return currentToken().value();
	}

	@Override
	public Duration getTimeBeforeExpiration() {
		BrokerToken current = this.token;
		if (current == null) {
			return null;
		}
		Duration left = Duration.between(this.clock.instant(), current.expiresAt());
		return (left.compareTo(MIN_TIME_BEFORE_EXPIRATION) < 0) ? MIN_TIME_BEFORE_EXPIRATION : left;
	}

	/** Obtains a new token; the refresh service then updates the secret of every live connection. */
	@Override
	public void refresh() {
		synchronized (this.lock) {
			fetch();
		}
	}

	@Override
	public String userId() {
		BrokerToken current = this.token;
		return (current != null) ? current.subject() : null;
	}

	@Override
	public String missingWriteScope(String exchange, String routingKey) {
		RabbitScopes current = this.scopes;
		return (current != null) ? current.missingWriteScope(this.virtualHost, exchange, routingKey) : null;
	}

	/** Why no token could be obtained the last time Bus tried, or {@code null} when the last attempt worked. */
	public String problem() {
		return this.problem;
	}

	/** The current token's subject, scopes and expiry (never the token), or {@code null} before the first. */
	public BrokerToken token() {
		return this.token;
	}

	/** The registration's id, client id and token endpoint, for health and logs. */
	public String describeClient() {
		return "client '" + this.registration.getClientId() + "' of registration '"
				+ this.registration.getRegistrationId() + "' at " + this.registration.getProviderDetails().getTokenUri();
	}

	private BrokerToken currentToken() {
		BrokerToken current = this.token;
		if (current != null && current.expiresAt().isAfter(this.clock.instant())) {
			return current;
		}
		synchronized (this.lock) {
			current = this.token;
			if (current != null && current.expiresAt().isAfter(this.clock.instant())) {
				return current;
			}
			return fetch();
		}
	}

	private BrokerToken fetch() {
		OAuth2AccessToken accessToken;
		try {
			accessToken = this.tokenClient
				.getTokenResponse(new OAuth2ClientCredentialsGrantRequest(this.registration))
				.getAccessToken();
		}
		catch (RuntimeException ex) {
			this.problem = "cannot obtain a broker token for " + describeClient() + ": " + ex.getClass().getSimpleName()
					+ ": " + ex.getMessage();
			throw new AmqpAuthenticationException(new IllegalStateException(this.problem));
		}
		BrokerToken fetched = read(accessToken);
		this.scopes = RabbitScopes.of(this.resourceServerId, fetched.scopes());
		this.token = fetched;
		this.problem = null;
		if (logger.isDebugEnabled()) {
			logger.debug("Obtained a broker token for " + describeClient() + ": subject " + fetched.subject()
					+ ", " + fetched.scopes().size() + " scopes, expires at " + fetched.expiresAt());
		}
		return fetched;
	}

	/**
	 * The subject, scopes and expiry the broker will see: the JWT's claims, or for an opaque token the token
	 * response's scopes and expiry.
	 */
	private BrokerToken read(OAuth2AccessToken accessToken) {
		String subject = null;
		Set<String> scopes = new TreeSet<>(accessToken.getScopes());
		Instant expiresAt = accessToken.getExpiresAt();
		try {
			JWTClaimsSet claims = JWTParser.parse(accessToken.getTokenValue()).getJWTClaimsSet();
			subject = claims.getSubject();
			if (claims.getExpirationTime() != null) {
				expiresAt = claims.getExpirationTime().toInstant();
			}
			Object scope = claims.getClaim("scope");
			if (scope instanceof String text) {
				scopes = new TreeSet<>(List.of(text.trim().split("\\s+")));
			}
			else if (scope instanceof Collection<?> list) {
				scopes = new TreeSet<>();
				for (Object item : list) {
					scopes.add(String.valueOf(item));
				}
			}
		}
		catch (ParseException ex) {
			logger.debug("The broker token of " + describeClient() + " is not a JWT; its scopes come from the "
					+ "token response and messages carry no user_id");
		}
		if (expiresAt == null) {
			expiresAt = this.clock.instant().plus(DEFAULT_LIFETIME);
		}
		return new BrokerToken(accessToken.getTokenValue(), subject, Collections.unmodifiableSet(scopes), expiresAt);
	}

}

package dev.bus.security;

import java.time.Clock;
import java.time.Duration;

import com.rabbitmq.client.impl.CredentialsProvider;
import org.springframework.amqp.AmqpAuthenticationException;

import dev.bus.transport.BrokerAccess;

/**
 * The application's RabbitMQ credentials as OAuth2 client-credentials tokens: the token
 * is the AMQP password (RabbitMQ's OAuth2 backend authenticates its {@code sub}), fetched
 * when a connection opens without a valid one and again when amqp-client's credentials
 * refresh service calls {@link #refresh()} before expiry, after which the service updates
 * the secret on every live connection.
 *
 * <p>
 * Also the {@link BrokerAccess} of the publisher: the token's subject is the
 * {@code user_id} of every message, and its write scopes tell which topics the broker
 * will accept.
 */
public class BrokerTokenCredentials implements CredentialsProvider, BrokerAccess {

	/**
	 * The shortest time before expiration reported to the refresh service, which
	 * refreshes after a ratio of it: with an expired token and the issuer down, this
	 * paces the attempts instead of letting them spin.
	 */
	static final Duration MIN_TIME_BEFORE_EXPIRATION = Duration.ofSeconds(2);

	private final ClientCredentialsTokens tokens;

	private final String resourceServerId;

	private final String virtualHost;

	private final Clock clock;

	private volatile ScopedToken scoped;

	/**
	 * @param tokens the registration's tokens
	 * @param resourceServerId RabbitMQ's {@code auth_oauth2.resource_server_id}, the
	 * scopes' prefix
	 * @param virtualHost the virtual host the application connects to
	 * @param clock the clock expiry is judged by
	 */
	public BrokerTokenCredentials(ClientCredentialsTokens tokens, String resourceServerId, String virtualHost,
			Clock clock) {
		this.tokens = tokens;
		this.resourceServerId = resourceServerId;
		this.virtualHost = virtualHost;
		this.clock = clock;
	}

	@Override
	public String getUsername() {
		String subject = valid().subject();
		return (subject != null) ? subject : "";
	}

	@Override
	public String getPassword() {
		return valid().value();
	}

	@Override
	public Duration getTimeBeforeExpiration() {
		ClientToken current = this.tokens.current();
		if (current == null) {
			return null;
		}
		Duration left = Duration.between(this.clock.instant(), current.expiresAt());
		return (left.compareTo(MIN_TIME_BEFORE_EXPIRATION) < 0) ? MIN_TIME_BEFORE_EXPIRATION : left;
	}

	/**
	 * Obtains a new token; the refresh service then updates the secret of every live
	 * connection.
	 */
	@Override
	public void refresh() {
		this.tokens.fetch();
	}

	@Override
	public String userId() {
		ClientToken current = this.tokens.current();
		return (current != null) ? current.subject() : null;
	}

	/**
	 * The scope a publish would lack, judged by the current token; before the first
	 * connection, the token it will log in with is obtained now (the publish would wait
	 * for it anyway). With no token to be had, nothing is known and the publish goes on,
	 * to fail on the connection.
	 */
	@Override
	public String missingWriteScope(String exchange, String routingKey) {
		ClientToken current = this.tokens.current();
		if (current == null) {
			try {
				current = this.tokens.currentWithAtLeast(0);
			}
			catch (ClientCredentialsTokens.TokenUnavailableException ex) {
				return null;
			}
		}
		ScopedToken cached = this.scoped;
		if (cached == null || cached.token() != current) {
			cached = new ScopedToken(current, RabbitScopes.of(this.resourceServerId, current.scopes()));
			this.scoped = cached;
		}
		return cached.scopes().missingWriteScope(this.virtualHost, exchange, routingKey);
	}

	/** The tokens behind these credentials, for health. */
	public ClientCredentialsTokens tokens() {
		return this.tokens;
	}

	private ClientToken valid() {
		try {
			// Any time left will do: the refresh service replaces the token well before
			// it expires.
			return this.tokens.currentWithAtLeast(0);
		}
		catch (ClientCredentialsTokens.TokenUnavailableException ex) {
			throw new AmqpAuthenticationException(ex);
		}
	}

	/** A token with its scopes parsed once. */
	private record ScopedToken(ClientToken token, RabbitScopes scopes) {
	}

}

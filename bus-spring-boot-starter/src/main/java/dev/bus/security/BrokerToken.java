package dev.bus.security;

import java.time.Instant;
import java.util.Set;

/**
 * An access token for the broker and what Bus reads from it. {@link #toString()} never shows the token.
 *
 * @param value the token, the AMQP password
 * @param subject its {@code sub} claim, the user the broker authenticates ({@code null} for an opaque token)
 * @param scopes the scopes it grants
 * @param expiresAt when it expires
 */
public record BrokerToken(String value, String subject, Set<String> scopes, Instant expiresAt) {

	@Override
	public String toString() {
		return "BrokerToken[subject=" + this.subject + ", scopes=" + this.scopes + ", expiresAt=" + this.expiresAt
				+ "]";
	}

}

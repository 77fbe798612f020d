package dev.bus.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A client-credentials access token and what Bus reads from it. {@link #toString()} never
 * shows the token.
 *
 * @param value the token
 * @param subject its {@code sub} claim ({@code null} for an opaque token)
 * @param scopes the scopes it grants
 * @param issuedAt when it was obtained
 * @param expiresAt when it expires
 * @param boundKey the thumbprint of the key it is bound to ({@code cnf.jkt}, RFC 9449),
 * {@code null} for a bearer token
 */
public record ClientToken(String value, String subject, Set<String> scopes, Instant issuedAt, Instant expiresAt,
		String boundKey) {

	/**
	 * Whether no more than {@code share} of its lifetime is left at {@code now}; 0 asks
	 * whether it expired.
	 */
	boolean hasNoMoreLeftThan(double share, Instant now) {
		Duration lifetime = Duration.between(this.issuedAt, this.expiresAt);
		return Duration.between(now, this.expiresAt).toMillis() <= lifetime.toMillis() * share;
	}

	@Override
	public String toString() {
		return "ClientToken[subject=" + this.subject + ", scopes=" + this.scopes + ", expiresAt=" + this.expiresAt
				+ ", boundKey=" + this.boundKey + "]";
	}

}

package dev.bus.testkit.security;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import dev.bus.security.ClientToken;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageTokenSource;

/**
 * A publisher's tokens from the {@link TestIssuer}: one at a time, replaced when no more
 * than the asked share of its lifetime is left, as the client-credentials tokens of
 * production are.
 */
final class IssuedTokens implements MessageTokenSource {

	private final TestIssuer issuer;

	private final Supplier<String> subject;

	private final List<String> scopes;

	private final MessageProofKey key;

	private volatile ClientToken current;

	IssuedTokens(TestIssuer issuer, Supplier<String> subject, List<String> scopes, MessageProofKey key) {
		this.issuer = issuer;
		this.subject = subject;
		this.scopes = scopes;
		this.key = key;
	}

	@Override
	public synchronized ClientToken currentWithAtLeast(double share) {
		ClientToken token = this.current;
		String subject = this.subject.get();
		if (token == null || !token.subject().equals(subject) || hasNoMoreLeftThan(token, share)) {
			TestIssuer.TokenBuilder builder = this.issuer.token(subject).scopes(this.scopes);
			if (this.key != null) {
				builder.boundTo(this.key);
			}
			token = builder.token();
			this.current = token;
		}
		return token;
	}

	@Override
	public String describeClient() {
		return "the test issuer's client '" + this.subject.get() + "'";
	}

	private boolean hasNoMoreLeftThan(ClientToken token, double share) {
		long lifetime = Duration.between(token.issuedAt(), token.expiresAt()).toMillis();
		return Duration.between(this.issuer.clock().instant(), token.expiresAt()).toMillis() <= lifetime * share;
	}

}

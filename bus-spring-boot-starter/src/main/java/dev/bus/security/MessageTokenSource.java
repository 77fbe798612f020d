package dev.bus.security;

/**
 * Where a publisher's per-message tokens come from: an OAuth2 issuer's client-credentials
 * endpoint ({@link ClientCredentialsTokens}), or an issuer of the test's own in a test.
 * Declared as a bean, it replaces {@code bus.security.message-token.registration}.
 */
public interface MessageTokenSource {

	/**
	 * The current token, or a new one when no more than {@code share} of its lifetime is
	 * left.
	 * @throws ClientCredentialsTokens.TokenUnavailableException when there is no
	 * unexpired token and a new one cannot be obtained
	 */
	ClientToken currentWithAtLeast(double share);

	/** Who the tokens are issued to and by whom, for messages; never a secret. */
	String describeClient();

}

package dev.bus.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When tokens are renewed, and what an issuer outage does: a token is renewed once the
 * given share of its lifetime is left; a failed renewal keeps the still-valid token (and
 * says why in {@code problem()}), and only an expired one fails, with a message that
 * names the client and endpoint and never the secret. The token endpoint here is the
 * test's: the real issuer is in SecuredBrokerIT and MessageTokenIT.
 */
class ClientCredentialsTokensTest {

	/**
	 * Starts at the real time: the token response computes expiry from expires_in and the
	 * real clock.
	 */
	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

	private final AtomicInteger issued = new AtomicInteger();

	private volatile boolean issuerDown;

	private final ClientCredentialsTokens tokens = new ClientCredentialsTokens(
			ClientRegistration.withRegistrationId("bus-messages")
				.clientId("orders")
				.clientSecret("orders-secret")
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenUri("http://127.0.0.1:9000/oauth2/token")
				.build(),
			this::issue, new Clock() {

				@Override
				public java.time.ZoneId getZone() {
					return ZoneOffset.UTC;
				}

				@Override
				public Clock withZone(java.time.ZoneId zone) {
					return this;
				}

				@Override
				public Instant instant() {
					return ClientCredentialsTokensTest.this.now.get();
				}

			});

	private OAuth2AccessTokenResponse issue(OAuth2ClientCredentialsGrantRequest request) {
		if (this.issuerDown) {
			throw new ResourceAccessException("I/O error on POST request: Connection refused");
		}
		return OAuth2AccessTokenResponse.withToken("opaque-" + this.issued.incrementAndGet())
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(600)
			.build();
	}

	@Test
	void aTokenIsRenewedOnceTheShareOfItsLifetimeIsLeft() {
		ClientToken first = this.tokens.currentWithAtLeast(0.2);
		this.now.set(this.now.get().plus(Duration.ofMinutes(7)));
		assertThat(this.tokens.currentWithAtLeast(0.2)).isSameAs(first);
		this.now.set(this.now.get().plus(Duration.ofMinutes(1)).plusSeconds(1));
		assertThat(this.tokens.currentWithAtLeast(0.2).value()).isEqualTo("opaque-2");
	}

	@Test
	void aFailedRenewalKeepsTheValidTokenAndOnlyAnExpiredOneFails() {
		ClientToken first = this.tokens.currentWithAtLeast(0.2);
		this.issuerDown = true;
		this.now.set(this.now.get().plus(Duration.ofMinutes(9)));
		assertThat(this.tokens.currentWithAtLeast(0.2)).isSameAs(first);
		assertThat(this.tokens.problem()).contains("client 'orders' of registration 'bus-messages'")
			.contains("http://127.0.0.1:9000/oauth2/token")
			.contains("Connection refused");
		this.now.set(this.now.get().plus(Duration.ofMinutes(1)).plusSeconds(5));
		assertThatExceptionOfType(ClientCredentialsTokens.TokenUnavailableException.class)
			.isThrownBy(() -> this.tokens.currentWithAtLeast(0.2))
			.withMessageNotContaining("orders-secret");
		assertThat(this.tokens.failedFetches()).as("each failed request counted, for the alert").isEqualTo(2);
		this.issuerDown = false;
		assertThat(this.tokens.currentWithAtLeast(0.2).value()).isEqualTo("opaque-2");
		assertThat(this.tokens.problem()).isNull();
		assertThat(this.tokens.failedFetches()).isEqualTo(2);
	}

}

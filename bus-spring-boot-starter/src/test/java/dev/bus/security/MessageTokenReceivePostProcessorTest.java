package dev.bus.security;

import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.bus.DeliveryOutcome;
import dev.bus.MessageRejectedException;
import dev.bus.core.BusHeaders;
import dev.bus.core.TopicPattern;
import dev.bus.test.TestDelivery;
import dev.bus.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The listener's token checks that depend on the message, with real RS256 signatures and
 * a fixed clock, for bearer tokens (proofs not required; {@link MessageProofTest} has
 * bound ones): the token judged at the time the message was sent (not its age in the
 * queue), a retry this application moved on, one signature check per token, and the
 * security context set for the handler and cleared after.
 */
class MessageTokenReceivePostProcessorTest {

	private static final String ISSUER = "http://127.0.0.1:9000";

	private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

	private final KeyPair keys = TestKeys.rsa();

	private final AtomicInteger decodes = new AtomicInteger();

	private final MessageTokenReceivePostProcessor element = new MessageTokenReceivePostProcessor(
			List.of(TopicPattern.of("orders.#")), new MessageTokenVerifier(countingDecoder()),
			new MessageProofVerifier(), false, Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

	@AfterEach
	void clearContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void aMessageThatWaitedInTheQueueLongerThanItsTokenLivedIsAccepted() {
		String token = token("orders", NOW.minus(Duration.ofHours(2)), Duration.ofMinutes(5));
		TestDelivery delivery = delivery(token, "orders", NOW.minus(Duration.ofHours(2)).plusSeconds(60));
		this.element.postProcess(delivery);
		assertThat(delivery.verifiedPublisher().subject()).isEqualTo("orders");
	}

	@Test
	void aMessageSentAfterItsTokenExpiredOrBeforeItWasIssuedIsRefused() {
		Instant issued = NOW.minus(Duration.ofMinutes(10));
		String token = token("orders", issued, Duration.ofMinutes(5));
		assertRefused(delivery(token, "orders", issued.plus(Duration.ofMinutes(5)).plusSeconds(31)), "unauthenticated",
				"was not valid when the message was sent");
		assertRefused(delivery(token, "orders", issued.minusSeconds(31)), "unauthenticated",
				"was not valid when the message was sent");
		this.element.postProcess(delivery(token, "orders", issued.plus(Duration.ofMinutes(5)).plusSeconds(29)));
		assertRefused(delivery(token("orders", NOW, Duration.ofMinutes(5)), "orders", NOW.plusSeconds(31)),
				"unauthenticated", "in the future");
	}

	@Test
	void aTokenFromAnotherIssuerIsRefusedEvenWithAGoodSignature() {
		String foreign = token("orders", NOW, Duration.ofMinutes(5), "https://issuer.example.com");
		assertRefused(delivery(foreign, "orders", NOW), "unauthenticated", "iss claim is not valid");
	}

	@Test
	void thePublisherIsTheVerifiedBrokerUserWhateverAHeaderClaims() {
		String token = token("orders", NOW, Duration.ofMinutes(5));
		TestDelivery claimed = delivery(token, "mallory", NOW);
		claimed.properties().setHeader(BusHeaders.ORIGINAL_USER_ID, "orders");
		assertRefused(claimed, "unauthenticated", "is not the publisher 'mallory'");
	}

	@Test
	void eachTokenIsVerifiedOnceAndTheHandlerRunsAsThePublisherUntilTheDeliverySettles() {
		String token = token("orders", NOW, Duration.ofMinutes(5));
		for (int i = 0; i < 3; i++) {
			TestDelivery delivery = delivery(token, "orders", NOW);
			this.element.postProcess(delivery);
			assertThat(SecurityContextHolder.getContext().getAuthentication().getName()).isEqualTo("orders");
			assertThat(SecurityContextHolder.getContext().getAuthentication().getAuthorities())
				.extracting(Object::toString)
				.containsExactly("SCOPE_bus.publish:orders.*");
			delivery.settle(new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
			assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
		}
		assertThat(this.decodes).hasValue(1);
	}

	@Test
	void aTopicOutsideTheTokensScopesIsForbiddenAndOtherTopicsNeedNoToken() {
		String token = token("orders", NOW, Duration.ofMinutes(5));
		TestDelivery shipped = new TestDelivery("orders.shipped", "m-1", 1, properties(token, "orders", NOW),
				new byte[0]);
		this.element.postProcess(shipped);
		TestDelivery deeper = new TestDelivery("orders.eu.shipped", "m-2", 1, properties(token, "orders", NOW),
				new byte[0]);
		assertRefused(deeper, "forbidden", "has no scope");
		TestDelivery unscoped = new TestDelivery("orders", "m-2", 1, properties(token, "orders", NOW), new byte[0]);
		assertRefused(unscoped, "forbidden", "has no scope bus.publish:<pattern matching orders>");
		TestDelivery untokened = new TestDelivery("audit.x", "m-3", 1, new MessageProperties(), new byte[0]);
		this.element.postProcess(untokened);
		assertThat(untokened.verifiedPublisher()).isNull();
	}

	private void assertRefused(TestDelivery delivery, String reason, String detail) {
		assertThatExceptionOfType(MessageRejectedException.class).isThrownBy(() -> this.element.postProcess(delivery))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason))
			.withMessageContaining(detail);
		assertThat(delivery.verifiedPublisher()).isNull();
	}

	private TestDelivery delivery(String token, String userId, Instant sent) {
		return new TestDelivery("orders.created", "m-1", 1, properties(token, userId, sent), new byte[0]);
	}

	private static MessageProperties properties(String token, String userId, Instant sent) {
		MessageProperties properties = new MessageProperties();
		properties.setHeader(BusHeaders.AUTHORIZATION, token);
		// a CloudEvents header: it has milliseconds
		properties.setHeader("ce-time", sent.toString());
		properties.setReceivedUserId(userId);
		return properties;
	}

	private JwtDecoder countingDecoder() {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) this.keys.getPublic()).build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(ISSUER)));
		return (token) -> {
			this.decodes.incrementAndGet();
			return decoder.decode(token);
		};
	}

	private String token(String subject, Instant issued, Duration lifetime) {
		return token(subject, issued, lifetime, ISSUER);
	}

	private String token(String subject, Instant issued, Duration lifetime, String issuer) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
					new JWTClaimsSet.Builder().issuer(issuer)
						.subject(subject)
						.audience("bus")
						.claim("scope", List.of("bus.publish:orders.*"))
						.issueTime(Date.from(issued))
						.expirationTime(Date.from(issued.plus(lifetime)))
						.build());
			jwt.sign(new RSASSASigner((RSAPrivateKey) this.keys.getPrivate()));
			return jwt.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

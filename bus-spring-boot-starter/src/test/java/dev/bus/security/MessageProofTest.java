package dev.bus.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.bus.MessageRejectedException;
import dev.bus.core.BusHeaders;
import dev.bus.core.TopicPattern;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishChain;
import dev.bus.transport.Envelope;
import dev.bus.test.TestDelivery;
import dev.bus.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Per-message tokens bound to the publisher's key (RFC 9449), with real RS256 tokens, the
 * publisher's real signer ({@link MessageProofSigner}) and the listener's element, as an
 * attacker would try them: a token and proof lifted from one message onto another body,
 * topic or id; a bound token without its proof, or with a proof made by another key or
 * for another token; a bearer token where proofs are required; a proof made while the
 * token was not valid or after the message was first received.
 */
class MessageProofTest {

	private static final String ISSUER = "http://127.0.0.1:9000";

	private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

	private static final KeyPair ISSUER_KEYS = TestKeys.rsa();

	private final MessageProofKey publisherKey = MessageProofKey.generate(Clock.fixed(NOW, ZoneOffset.UTC));

	private final MessageProofSigner signer = new MessageProofSigner(this.publisherKey);

	private final MessageTokenReceivePostProcessor listener = new MessageTokenReceivePostProcessor(
			List.of(TopicPattern.of("orders.#")), new MessageTokenVerifier(decoder()), new MessageProofVerifier(), true,
			Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

	private final String token = token(this.publisherKey.thumbprint(), NOW.minusSeconds(60));

	@AfterEach
	void close() {
		this.signer.close();
		SecurityContextHolder.clearContext();
	}

	@Test
	void everyMessageOfABurstIsProvedByOneSignatureAndAcceptedAlone() {
		List<Envelope> burst = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			burst.add(envelope("m-" + i, "orders.created", "{\"n\":" + i + "}", this.token));
		}
		List<Envelope> signed = this.signer.signTogether(burst);
		assertThat(this.signer.signatures()).isOne();
		assertThat(this.signer.provedMessages()).isEqualTo(5);
		assertThat(this.signer.signingSeconds()).isPositive();
		assertThat(signed).extracting((envelope) -> header(envelope, BusHeaders.PROOF))
			.containsOnly(header(signed.get(0), BusHeaders.PROOF));
		for (Envelope envelope : signed) {
			TestDelivery delivery = delivery(envelope);
			this.listener.postProcess(delivery);
			assertThat(delivery.verifiedPublisher().subject()).isEqualTo("orders");
		}
	}

	@Test
	void theSignerProvesWhatWaitsTogetherAndInOrder() throws Exception {
		List<CompletableFuture<Envelope>> futures = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			futures.add(this.signer.sign(envelope("m-" + i, "orders.created", "{}", this.token)));
		}
		List<Envelope> signed = new ArrayList<>();
		for (CompletableFuture<Envelope> future : futures) {
			signed.add(future.get(10, TimeUnit.SECONDS));
		}
		// In order: each proof covers a run of consecutive messages, so a batch never
		// takes a message published after one a later batch took. (Read from the proofs
		// themselves: the order callbacks registered on the futures run in depends on
		// when each was registered, not only on the signer.)
		List<String> proofs = signed.stream().map((envelope) -> header(envelope, BusHeaders.PROOF)).toList();
		List<String> runs = new ArrayList<>();
		for (String proof : proofs) {
			if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(proof)) {
				runs.add(proof);
			}
		}
		assertThat(runs).as("each proof covers consecutive messages, in the order published").doesNotHaveDuplicates();
		assertThat(runs).as("fewer signatures than messages").hasSizeLessThan(50);
		signed.forEach((envelope) -> this.listener.postProcess(delivery(envelope)));
	}

	/**
	 * What docs/security.md promises: a publisher's messages are sent in the order it
	 * published them, signing or not, whichever thread a send runs on. Many rounds, since
	 * a send registered just as its proof completes is where order could slip.
	 */
	@Test
	void sendsLeaveInTheOrderPublished() throws Exception {
		EnvelopeFactory factory = new EnvelopeFactory(JsonMapper.builder().build(), "test", 1_000_000, true,
				new PublishChain(List.of()), null, this.signer);
		for (int round = 0; round < 200; round++) {
			List<String> sent = Collections.synchronizedList(new ArrayList<>());
			List<CompletableFuture<Void>> sends = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				sends.add(factory.signThenSend(envelope("m-" + i, "orders.created", "{}", this.token), (signed) -> {
					sent.add(signed.messageId());
					return CompletableFuture.completedFuture(null);
				}, false));
			}
			CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertThat(sent).as("round " + round)
				.containsExactly(IntStream.range(0, 50).mapToObj((i) -> "m-" + i).toArray(String[]::new));
		}
	}

	@Test
	void aTokenAndProofLiftedOntoAnotherBodyTopicOrIdAreRefused() {
		Envelope signed = this.signer.signNow(envelope("m-1", "orders.created", "{\"total\":10}", this.token));
		Map<String, Object> lifted = signed.properties().getHeaders();
		assertRefused(delivery("m-1", "orders.created", "{\"total\":99999}", lifted), "does not cover this message");
		assertRefused(delivery("m-1", "orders.cancelled", "{\"total\":10}", lifted), "does not cover this message");
		assertRefused(delivery("m-2", "orders.created", "{\"total\":10}", lifted), "does not cover this message");
		Map<String, Object> movedInTree = new HashMap<>(lifted);
		movedInTree.put(BusHeaders.PROOF_PATH, "1");
		assertRefused(delivery("m-1", "orders.created", "{\"total\":10}", movedInTree), "proof path is not valid");
	}

	@Test
	void aBoundTokenCountsOnlyWithAProofMadeWithItsKeyForIt() {
		Envelope signed = this.signer.signNow(envelope("m-1", "orders.created", "{}", this.token));
		Map<String, Object> noProof = new HashMap<>(signed.properties().getHeaders());
		noProof.remove(BusHeaders.PROOF);
		assertRefused(delivery("m-1", "orders.created", "{}", noProof), "has no proof");

		MessageProofKey attackerKey = MessageProofKey.generate(Clock.fixed(NOW, ZoneOffset.UTC));
		try (MessageProofSigner attacker = new MessageProofSigner(attackerKey)) {
			// The attacker's own token, bound to its own key, makes its signer prove; the
			// victim's token goes on.
			Envelope own = attacker.signNow(
					envelope("m-1", "orders.created", "{}", token(attackerKey.thumbprint(), NOW.minusSeconds(60))));
			Map<String, Object> forged = new HashMap<>(own.properties().getHeaders());
			forged.put(BusHeaders.AUTHORIZATION, this.token);
			assertRefused(delivery("m-1", "orders.created", "{}", forged), "signed with another key");
		}

		String otherToken = token(this.publisherKey.thumbprint(), NOW.minusSeconds(30));
		Map<String, Object> swapped = new HashMap<>(signed.properties().getHeaders());
		swapped.put(BusHeaders.AUTHORIZATION, otherToken);
		assertRefused(delivery("m-1", "orders.created", "{}", swapped), "made for another token");

		Map<String, Object> tampered = new HashMap<>(signed.properties().getHeaders());
		String proof = header(signed, BusHeaders.PROOF);
		tampered.put(BusHeaders.PROOF, proof.substring(0, proof.length() - 4) + "AAAA");
		assertRefused(delivery("m-1", "orders.created", "{}", tampered), "signature does not verify");

		Map<String, Object> dpopForHttp = new HashMap<>(signed.properties().getHeaders());
		dpopForHttp.put(BusHeaders.PROOF, this.publisherKey.tokenRequestProof(URI.create(ISSUER)));
		assertRefused(delivery("m-1", "orders.created", "{}", dpopForHttp), "not of type bus-proof+jwt");
	}

	@Test
	void aBearerTokenIsRefusedWhereProofsAreRequiredAndNotSigned() {
		String bearer = token(null, NOW.minusSeconds(60));
		Envelope envelope = envelope("m-1", "orders.created", "{}", bearer);
		assertThat(this.signer.signNow(envelope)).isSameAs(envelope);
		assertRefused(delivery(envelope), "is a bearer token");
	}

	@Test
	void theTokenIsJudgedWhenTheProofWasMadeAndTheProofByTheFirstReceipt() {
		// Made while the token was valid, delivered (or replayed) long after it expired:
		// accepted.
		String expiredSince = token(this.publisherKey.thumbprint(), NOW.minus(Duration.ofMinutes(4)));
		Envelope early = this.signer.signNow(envelope("m-1", "orders.created", "{}", expiredSince));
		TestDelivery late = delivery(early).receivedAt(NOW.plus(Duration.ofHours(3)));
		this.listener.postProcess(late);
		assertThat(late.verifiedPublisher()).isNotNull();

		// Made after the token expired (the key's clock is the proof's iat): refused.
		String expired = token(this.publisherKey.thumbprint(), NOW.minus(Duration.ofMinutes(10)));
		assertRefused(delivery(this.signer.signNow(envelope("m-2", "orders.created", "{}", expired))),
				"was not valid when its proof was made");

		// A replay judged at its first receipt: a proof made after it cannot be.
		TestDelivery replayed = delivery(this.signer.signNow(envelope("m-3", "orders.created", "{}", this.token)))
			.receivedAt(NOW.minus(Duration.ofMinutes(5)));
		assertRefused(replayed, "after this application first received it");
	}

	private void assertRefused(TestDelivery delivery, String detail) {
		assertThatExceptionOfType(MessageRejectedException.class).isThrownBy(() -> this.listener.postProcess(delivery))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("unauthenticated"))
			.withMessageContaining(detail)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(this.token));
		assertThat(delivery.verifiedPublisher()).isNull();
	}

	private static Envelope envelope(String id, String topic, String body, String token) {
		Map<String, Object> headers = new HashMap<>();
		headers.put(BusHeaders.AUTHORIZATION, token);
		return new Envelope(topic, id, new AMQP.BasicProperties.Builder().messageId(id).headers(headers).build(),
				body.getBytes(StandardCharsets.UTF_8));
	}

	private static String header(Envelope envelope, String name) {
		return (String) envelope.properties().getHeaders().get(name);
	}

	private static TestDelivery delivery(Envelope envelope) {
		return delivery(envelope.messageId(), envelope.topic(), new String(envelope.body(), StandardCharsets.UTF_8),
				envelope.properties().getHeaders());
	}

	private static TestDelivery delivery(String id, String topic, String body, Map<String, Object> headers) {
		MessageProperties properties = new MessageProperties();
		headers.forEach(properties::setHeader);
		properties.setMessageId(id);
		properties.setReceivedUserId("orders");
		return new TestDelivery(topic, id, 1, properties, body.getBytes(StandardCharsets.UTF_8)).receivedAt(NOW);
	}

	/**
	 * A token of the issuer for 'orders', bound to the key with thumbprint
	 * {@code boundKey} (null: a bearer one).
	 */
	private static String token(String boundKey, Instant issued) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject("orders")
			.audience("bus")
			.claim("scope", List.of("bus.publish:orders.*"))
			.issueTime(Date.from(issued))
			.expirationTime(Date.from(issued.plus(Duration.ofMinutes(5))));
		if (boundKey != null) {
			claims.claim("cnf", Map.of("jkt", boundKey));
		}
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims.build());
			jwt.sign(new RSASSASigner((RSAPrivateKey) ISSUER_KEYS.getPrivate()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static NimbusJwtDecoder decoder() {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) ISSUER_KEYS.getPublic()).build();
		decoder.setJwtValidator((jwt) -> OAuth2TokenValidatorResult.success());
		return decoder;
	}

}

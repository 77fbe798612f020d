package dev.bus.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.amqp.core.MessageProperties;
import org.springframework.core.Ordered;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

import dev.bus.IncomingMessage;
import dev.bus.MessageRejectedException;
import dev.bus.ReceivePostProcessor;
import dev.bus.VerifiedPublisher;
import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.core.CloudEventsHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.ProofTree;
import dev.bus.core.TopicPattern;

/**
 * Verifies the per-message token of every message on the token topics before anything
 * else reads it: signature, issuer and audience ({@link MessageTokenVerifier}, once per
 * token); that its subject is the publisher the broker verified ({@code user_id}), so
 * that a consumer that copies a message cannot send it again as someone else; and that a
 * {@code bus.publish:<pattern>} scope covers the topic. A failure goes to the dead-letter
 * queue as {@code unauthenticated} or {@code forbidden} and never reaches user code.
 *
 * <p>
 * A token bound to a key ({@code cnf.jkt}, RFC 9449) counts only with a message proof
 * made with that key ({@link MessageProofVerifier}) that covers this message's id, topic
 * and body: a token lifted from one message is worthless for any other. The token must
 * have been valid when the proof was made (within the clock skew), and the proof cannot
 * be made after this application first received the message
 * ({@link IncomingMessage#receivedAt()}): both times are ones the publisher's key or this
 * application vouch for, so a message that waited in a queue is not refused for its age,
 * and a replay is judged as its first delivery was. A bearer token (no {@code cnf}) is
 * refused unless proofs are not required, and is then judged at the time the message
 * claims it was sent.
 *
 * <p>
 * A verified message's publisher reaches the listener ({@code BusMessage.publisher()}),
 * and the listener runs with it as the {@link PublisherAuthentication} of Spring
 * Security's context, restored when the delivery settles.
 *
 * <p>
 * The publisher is {@link IncomingMessage#brokerUser()}: the broker-verified
 * {@code user_id} of a first delivery, or the one this application recorded when it moved
 * the message on (a retry or replay), never a header another sender wrote.
 */
public class MessageTokenReceivePostProcessor implements ReceivePostProcessor, Ordered {

	/**
	 * After tracing, before decryption: nothing reads a payload whose sender is unknown.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 150;

	/** The scopes that let a token publish: {@code bus.publish:<topic pattern>}. */
	public static final String PUBLISH_SCOPE_PREFIX = "bus.publish:";

	private final List<TopicPattern> topics;

	private final MessageTokenVerifier verifier;

	private final Duration clockSkew;

	private final Clock clock;

	private final MessageProofVerifier proofs;

	private final boolean proofRequired;

	/**
	 * @param topics the topics whose messages must carry a token
	 * @param verifier checks signature, issuer and audience
	 * @param proofs checks the proofs of bound tokens
	 * @param proofRequired whether a bearer token (not bound to a key) is refused
	 * @param clockSkew tolerated clock difference
	 * @param clock the listener's clock
	 */
	public MessageTokenReceivePostProcessor(List<TopicPattern> topics, MessageTokenVerifier verifier,
			MessageProofVerifier proofs, boolean proofRequired, Duration clockSkew, Clock clock) {
		this.topics = List.copyOf(topics);
		this.verifier = verifier;
		this.proofs = proofs;
		this.proofRequired = proofRequired;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	@Override
	public void postProcess(IncomingMessage message) {
		MessageProperties properties = message.properties();
		Object header = properties.getHeaders().get(BusHeaders.AUTHORIZATION);
		if (header == null) {
			if (TopicPattern.anyMatches(this.topics, message.topic())) {
				throw unauthenticated("topic '" + LogValues.escape(message.topic())
						+ "' requires a per-message token, and the message " + "has none");
			}
			return;
		}
		Jwt token = this.verifier.verify(header.toString());
		String subject = token.getSubject();
		checkPublisher(subject, message.brokerUser());
		String boundKey = boundKey(token);
		if (boundKey != null) {
			checkProof(message, header.toString(), boundKey, token, subject);
		}
		else if (this.proofRequired) {
			throw unauthenticated("the token of '" + LogValues.escape(subject) + "' is a bearer token, not bound to "
					+ "the publisher's key (RFC 9449 DPoP), so anyone who read it could send with it; listeners "
					+ "accept those only with bus.security.message-token.require-proof=false");
		}
		else {
			checkValidAt(token, subject, sentAt(properties, this.clock.instant()), "the message was sent");
		}
		Set<String> scopes = scopes(token);
		checkScope(subject, scopes, message.topic());
		VerifiedPublisher publisher = new VerifiedPublisher(subject, scopes, token.getClaims());
		message.setVerifiedPublisher(publisher);
		runAs(publisher, message);
	}

	/**
	 * The message's proof covers it and was made with the key the token is bound to,
	 * while the token was valid and not after this application first received the
	 * message.
	 */
	private void checkProof(IncomingMessage message, String token, String boundKey, Jwt jwt, String subject) {
		Object proof = message.properties().getHeaders().get(BusHeaders.PROOF);
		if (proof == null) {
			throw unauthenticated("the token of '" + LogValues.escape(subject) + "' is bound to a key, and the message "
					+ "has no proof (" + BusHeaders.PROOF + ") made with it");
		}
		Object path = message.properties().getHeaders().get(BusHeaders.PROOF_PATH);
		Instant proved = this.proofs.check(proof.toString(), (path != null) ? path.toString() : null, token, boundKey,
				ProofTree.leaf(message.messageId(), message.topic(), message.body()));
		Instant received = message.receivedAt();
		if (proved.isAfter(received.plus(this.clockSkew))) {
			throw unauthenticated("the message's proof was made at " + proved + ", after this application first "
					+ "received it at " + received);
		}
		checkValidAt(jwt, subject, proved, "its proof was made");
	}

	private void checkValidAt(Jwt token, String subject, Instant at, String event) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (expiresAt == null || (issuedAt != null && at.isBefore(issuedAt.minus(this.clockSkew)))
				|| at.isAfter(expiresAt.plus(this.clockSkew))) {
			throw unauthenticated("the token of '" + LogValues.escape(subject) + "' (valid " + issuedAt + " to "
					+ expiresAt + ") was not valid when " + event + ", at " + at);
		}
	}

	/**
	 * The thumbprint of the key the token is bound to ({@code cnf.jkt}), or {@code null}
	 * for a bearer token.
	 */
	private static String boundKey(Jwt token) {
		Map<String, Object> confirmation = token.getClaimAsMap("cnf");
		return (confirmation != null && confirmation.get("jkt") instanceof String thumbprint) ? thumbprint : null;
	}

	private static void checkPublisher(String subject, String publisher) {
		if (publisher == null) {
			throw unauthenticated("the message has no user_id, so the broker did not verify its publisher");
		}
		if (!publisher.equals(subject)) {
			throw unauthenticated("the token's subject '" + LogValues.escape(subject) + "' is not the publisher '"
					+ LogValues.escape(publisher) + "' the broker verified");
		}
	}

	private static void checkScope(String subject, Set<String> scopes, String topic) {
		for (String scope : scopes) {
			if (scope.startsWith(PUBLISH_SCOPE_PREFIX)) {
				try {
					if (TopicPattern.of(scope.substring(PUBLISH_SCOPE_PREFIX.length())).matches(topic)) {
						return;
					}
				}
				catch (IllegalArgumentException ex) {
					// not a topic pattern: grants nothing
				}
			}
		}
		throw new MessageRejectedException(FailureReason.FORBIDDEN.code(), "the token of '" + subject
				+ "' has no scope " + PUBLISH_SCOPE_PREFIX + "<pattern matching " + topic + ">");
	}

	/** The listener's thread runs as the publisher until the delivery settles. */
	private static void runAs(VerifiedPublisher publisher, IncomingMessage message) {
		SecurityContext previous = SecurityContextHolder.getContext();
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(new PublisherAuthentication(publisher));
		SecurityContextHolder.setContext(context);
		message.onSettled((outcome) -> {
			if (previous.getAuthentication() == null) {
				SecurityContextHolder.clearContext();
			}
			else {
				SecurityContextHolder.setContext(previous);
			}
		});
	}

	/**
	 * When the publisher of a bearer-token message says it sent it: the event time
	 * (CloudEvents {@code time}, else the AMQP timestamp), else now; never later than
	 * now.
	 */
	private Instant sentAt(MessageProperties properties, Instant now) {
		Instant time = CloudEventsHeaders.eventTime(properties.getHeaders(), properties.getTimestamp());
		if (time != null && time.isAfter(now.plus(this.clockSkew))) {
			throw unauthenticated("the message claims to be sent at " + time + ", in the future");
		}
		return (time != null) ? time : now;
	}

	private static Set<String> scopes(Jwt token) {
		Set<String> scopes = ScopeClaim.read(token.getClaims().get("scope"));
		return (scopes != null) ? scopes : Set.of();
	}

	private static MessageRejectedException unauthenticated(String detail) {
		return new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), detail);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

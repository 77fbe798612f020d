package dev.bus.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import dev.bus.core.TopicPattern;

/**
 * Verifies the per-message token of every message on the token topics before anything else reads it: signature,
 * issuer and audience ({@link MessageTokenVerifier}, once per token); that the token was valid when the message
 * was sent, within the clock skew (a message that waited in a queue is not refused for its age); that its subject
 * is the publisher the broker verified ({@code user_id}), so that a consumer that copies a message cannot send it
 * again as someone else; and that a {@code bus.publish:<pattern>} scope covers the topic. A failure goes to the
 * dead-letter queue as {@code unauthenticated} or {@code forbidden} and never reaches user code.
 *
 * <p>A verified message's publisher reaches the listener ({@code BusMessage.publisher()}), and the listener runs
 * with it as the {@link PublisherAuthentication} of Spring Security's context, restored when the delivery settles.
 *
 * <p>The publisher is {@link IncomingMessage#brokerUser()}: the broker-verified {@code user_id} of a first delivery,
 * or the one this application recorded when it moved the message on (a retry or replay), never a header another
 * sender wrote.
 */
public class MessageTokenReceivePostProcessor implements ReceivePostProcessor, Ordered {

	/** After tracing, before decryption: nothing reads a payload whose sender is unknown. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 150;

	/** The scopes that let a token publish: {@code bus.publish:<topic pattern>}. */
	public static final String PUBLISH_SCOPE_PREFIX = "bus.publish:";

	private final List<TopicPattern> topics;

	private final MessageTokenVerifier verifier;

	private final Duration clockSkew;

	private final Clock clock;

	/**
	 * @param topics the topics whose messages must carry a token
	 * @param verifier checks signature, issuer and audience
	 * @param clockSkew tolerated clock difference
	 * @param clock the listener's clock
	 */
	public MessageTokenReceivePostProcessor(List<TopicPattern> topics, MessageTokenVerifier verifier,
			Duration clockSkew, Clock clock) {
		this.topics = List.copyOf(topics);
		this.verifier = verifier;
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
						+ "' requires a per-message token, and the message "
						+ "has none");
			}
			return;
		}
		Jwt token = this.verifier.verify(header.toString());
		String subject = token.getSubject();
		checkValidWhenSent(token, subject, properties);
		checkPublisher(subject, message.brokerUser());
		Set<String> scopes = scopes(token);
		checkScope(subject, scopes, message.topic());
		VerifiedPublisher publisher = new VerifiedPublisher(subject, scopes, token.getClaims());
		message.setVerifiedPublisher(publisher);
		runAs(publisher, message);
	}

	private void checkValidWhenSent(Jwt token, String subject, MessageProperties properties) {
		Instant now = this.clock.instant();
		Instant sent = sentAt(properties, now);
		if (sent.isAfter(now.plus(this.clockSkew))) {
			throw unauthenticated("the message claims to be sent at " + sent + ", in the future");
		}
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (expiresAt == null || (issuedAt != null && sent.isBefore(issuedAt.minus(this.clockSkew)))
				|| sent.isAfter(expiresAt.plus(this.clockSkew))) {
			throw unauthenticated("the token of '" + subject + "' (valid " + issuedAt + " to " + expiresAt
					+ ") was not valid when the message was sent, at " + sent);
		}
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
		throw new MessageRejectedException(FailureReason.FORBIDDEN.code(),
				"the token of '" + subject + "' has no scope " + PUBLISH_SCOPE_PREFIX + "<pattern matching " + topic
						+ ">");
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

	/** When the publisher sent it: the event time (CloudEvents {@code time}, else the AMQP timestamp), else now. */
	private static Instant sentAt(MessageProperties properties, Instant now) {
		Instant time = CloudEventsHeaders.eventTime(properties.getHeaders(), properties.getTimestamp());
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

package dev.bus.security;

import java.util.List;

import org.springframework.core.Ordered;

import dev.bus.MessageRejectedException;
import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.TopicPattern;
import dev.bus.transport.BrokerAccess;

/**
 * Attaches the publisher's per-message token (a client-credentials token for the bus
 * audience) to every message on the token topics, in the
 * {@value BusHeaders#AUTHORIZATION} header. One token serves many messages: a new one is
 * fetched when a fifth of its lifetime is left, so that a message spends at most that
 * long in flight with a token about to expire; listeners check the token against the time
 * the message was sent, so a message that waits in a queue longer than that is not
 * refused for it.
 *
 * <p>
 * The token is bound to this app's key ({@link MessageProofKey}, RFC 9449 DPoP), and the
 * {@link MessageProofSigner} then proves each message with that key after the chain has
 * sealed it.
 *
 * <p>
 * A message that should carry a token and cannot (no registration configured, issuer
 * unreachable, a token the issuer did not bind when proofs are required), or whose
 * token's subject is not the broker user the message is sent as (certificate login with a
 * certificate whose common name is not the OAuth2 client's subject, say), is refused: the
 * publish fails and nothing is sent, since every listener would refuse it.
 */
public class MessageTokenPublishPostProcessor implements PublishPostProcessor, Ordered {

	/**
	 * Late, so that the token goes on what other elements produced; before encryption,
	 * which is last.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 200;

	/**
	 * A new token is fetched when no more than this share of the current one's lifetime
	 * is left.
	 */
	static final double RENEW_AT_SHARE_LEFT = 0.2;

	private final List<TopicPattern> topics;

	private final MessageTokenSource tokens;

	private final BrokerAccess brokerAccess;

	private final String requiredKey;

	/**
	 * @param topics the token topics
	 * @param tokens the tokens to attach, or {@code null} when none are configured
	 * @param brokerAccess the broker user messages are sent as, which listeners compare
	 * the token's subject with
	 * @param requiredKey the thumbprint of the key every token must be bound to (its
	 * proofs are then signed with it), or {@code null} when bearer tokens are sent as
	 * they are
	 */
	public MessageTokenPublishPostProcessor(List<TopicPattern> topics, MessageTokenSource tokens,
			BrokerAccess brokerAccess, String requiredKey) {
		this.topics = List.copyOf(topics);
		this.tokens = tokens;
		this.brokerAccess = brokerAccess;
		this.requiredKey = requiredKey;
	}

	@Override
	public void postProcess(OutgoingMessage message) {
		if (!TopicPattern.anyMatches(this.topics, message.topic())) {
			return;
		}
		if (this.tokens == null) {
			throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), "topic '" + message.topic()
					+ "' needs a per-message token and bus.security.message-token.registration is not set");
		}
		ClientToken token;
		try {
			token = this.tokens.currentWithAtLeast(RENEW_AT_SHARE_LEFT);
		}
		catch (ClientCredentialsTokens.TokenUnavailableException ex) {
			throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), ex.getMessage());
		}
		String brokerUser = this.brokerAccess.userId();
		if (brokerUser != null && !brokerUser.equals(token.subject())) {
			throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(),
					"the per-message token's subject '" + token.subject() + "' is not the broker user '" + brokerUser
							+ "' this app sends messages as, so every listener would refuse them: the OAuth2 client of "
							+ "bus.security.message-token.registration must be the broker user (with "
							+ "bus.security.certificate-login, the certificate's common name)");
		}
		if (this.requiredKey != null && !this.requiredKey.equals(token.boundKey())) {
			throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), "the issuer did not bind the "
					+ "per-message token of " + this.tokens.describeClient() + " to this app's key (no cnf.jkt for "
					+ "the DPoP proof of its token request), so every listener would refuse it: use an issuer that "
					+ "supports RFC 9449 DPoP, or set bus.security.message-token.require-proof=false everywhere");
		}
		message.headers().put(BusHeaders.AUTHORIZATION, token.value());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

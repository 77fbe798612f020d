package dev.bus.testkit.security;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;

/**
 * One other service ({@link OtherServices#named}): immutable, each {@code with…} gives a
 * service that differs in that one way.
 */
public final class OtherService {

	/** What token its messages carry. */
	public enum TokenKind {

		/** A token bound to the service's key, with a proof per message: production's. */
		BOUND,

		/** A bearer token (no {@code cnf}), no proof. */
		BEARER,

		/** None. */
		NONE,

		/**
		 * One the test gave as it is ({@link #withToken(String)}), with a proof when it
		 * is bound to the service's key.
		 */
		GIVEN,

		/**
		 * One the test issuer makes as for {@link #BOUND} and the test changes
		 * ({@link #withToken(UnaryOperator)}), with a proof when it stays bound.
		 */
		CHANGED

	}

	private final OtherServices services;

	private final String name;

	private final TokenKind tokenKind;

	private final List<String> scopes;

	private final String givenToken;

	private final UnaryOperator<TestIssuer.TokenBuilder> tokenChange;

	OtherService(OtherServices services, String name, TokenKind tokenKind, List<String> scopes, String givenToken,
			UnaryOperator<TestIssuer.TokenBuilder> tokenChange) {
		this.services = services;
		this.name = name;
		this.tokenKind = tokenKind;
		this.scopes = scopes;
		this.givenToken = givenToken;
		this.tokenChange = tokenChange;
	}

	/**
	 * Its tokens grant these scopes (such as {@code bus.publish:orders.*}) and no others.
	 */
	public OtherService withScopes(String... scopes) {
		return new OtherService(this.services, this.name, this.tokenKind, List.copyOf(Arrays.asList(scopes)),
				this.givenToken, this.tokenChange);
	}

	/** Its messages carry no token. */
	public OtherService withoutToken() {
		return new OtherService(this.services, this.name, TokenKind.NONE, this.scopes, null, null);
	}

	/** Its tokens are bearer tokens: not bound to its key, no proofs. */
	public OtherService withBearerToken() {
		return new OtherService(this.services, this.name, TokenKind.BEARER, this.scopes, null, null);
	}

	/**
	 * Its messages carry {@code token} as it is (a tampered one, say), proved with its
	 * key when the token is bound to it.
	 */
	public OtherService withToken(String token) {
		return new OtherService(this.services, this.name, TokenKind.GIVEN, this.scopes, token, null);
	}

	/**
	 * Its messages carry a token the test issuer makes for it as usual (its name, its
	 * scopes, bound to its key) and {@code change} changes: expired
	 * ({@code validBetween}), for another audience or issuer, another subject, unbound.
	 */
	public OtherService withToken(UnaryOperator<TestIssuer.TokenBuilder> change) {
		return new OtherService(this.services, this.name, TokenKind.CHANGED, this.scopes, null, change);
	}

	/**
	 * Makes it a consumer of {@code topicPatterns}: a queue of its own takes what is
	 * published on them, as its listener group's queue would, so that the application's
	 * publishes there are routed (Bus's publishes are mandatory: a topic no queue takes
	 * fails {@code UNROUTABLE}, in-process as on RabbitMQ). The queue stays for the rest
	 * of the test run.
	 * @return this service
	 */
	public OtherService consumes(String... topicPatterns) {
		for (String pattern : topicPatterns) {
			this.services.bindConsumer(this.name, pattern);
		}
		return this;
	}

	/**
	 * Makes it answer the requests on {@code topic} (the application's
	 * {@code publisher.request(...)}): each request's payload, decrypted and read as
	 * {@code type}, goes to {@code answer}, and what it returns is the reply, sealed,
	 * proved and encrypted as a Bus responder's would be; what it throws reaches the
	 * requester as a failed reply. Replaces what it answered there before.
	 * @return this service
	 */
	public <T> OtherService answers(String topic, Class<T> type, Function<T, ?> answer) {
		this.services.answer(this, topic, type, answer);
		return this;
	}

	/**
	 * Publishes {@code payload} as JSON on {@code topic}, with a new id and the topic as
	 * its type.
	 * @return once the in-process broker took it
	 * @throws BusPublishException when it is refused before or at the broker
	 */
	public PublishReceipt publish(String topic, Object payload) {
		return publish(OutboundMessage.builder(topic, payload).build());
	}

	/**
	 * Publishes a message built with {@link OutboundMessage#builder} (an id, type,
	 * partition key or headers of the test's choice).
	 * @see #publish(String, Object)
	 */
	public PublishReceipt publish(OutboundMessage message) {
		try {
			this.services.envelopes().publish(this, message, this.services.sender(this.name)).join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
		return new PublishReceipt(message.topic(), message.messageId());
	}

	/** Its broker user, which its messages carry as {@code user_id}. */
	public String name() {
		return this.name;
	}

	public TokenKind tokenKind() {
		return this.tokenKind;
	}

	/** The scopes of the tokens the test issuer signs for it. */
	public List<String> scopes() {
		return this.scopes;
	}

	/** The token the test gave, with {@link TokenKind#GIVEN}. */
	public String givenToken() {
		return this.givenToken;
	}

	/** What the test changes in its token, with {@link TokenKind#CHANGED}. */
	public UnaryOperator<TestIssuer.TokenBuilder> tokenChange() {
		return this.tokenChange;
	}

	@Override
	public String toString() {
		return "OtherService[" + this.name + ", token " + this.tokenKind + ", scopes " + this.scopes + "]";
	}

}

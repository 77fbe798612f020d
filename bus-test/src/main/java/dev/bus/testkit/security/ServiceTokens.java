package dev.bus.testkit.security;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.Ordered;

import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;
import dev.bus.core.TopicPattern;
import dev.bus.publisher.EnvelopeSigner;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageProofSigner;
import dev.bus.security.MessageTokenPublishPostProcessor;
import dev.bus.transport.BrokerAccess;

/**
 * Another service's per-message tokens: from the {@link TestIssuer}, for its name and
 * scopes, on the application's token topics, through the starter's own token element and
 * proof signer, with a key per service made on first use.
 */
final class ServiceTokens implements OtherServices.Elements, AutoCloseable {

	private final TestIssuer issuer;

	private final List<TopicPattern> topics;

	/**
	 * One key per service name for the whole test run: making an RSA key takes a few
	 * hundred milliseconds, and these keys are trusted by nothing outside the JVM.
	 */
	private static final Map<String, MessageProofKey> keys = new ConcurrentHashMap<>();

	private final Map<String, MessageProofSigner> signers = new ConcurrentHashMap<>();

	ServiceTokens(TestIssuer issuer, List<TopicPattern> topics) {
		this.issuer = issuer;
		this.topics = List.copyOf(topics);
	}

	@Override
	public List<PublishPostProcessor> elements(OtherService service) {
		BrokerAccess user = BrokerAccess.user(service.name());
		return switch (service.tokenKind()) {
			case NONE -> List.of();
			case GIVEN -> List.of(new GivenToken(service.givenToken()));
			case CHANGED -> List.of(new GivenToken(service.tokenChange()
				.apply(this.issuer.token(service.name()).scopes(service.scopes()).boundTo(key(service.name())))
				.sign()));
			case BEARER -> List.of(new MessageTokenPublishPostProcessor(this.topics,
					this.issuer.tokensFor(service::name, service.scopes(), null), user, null));
			case BOUND -> {
				MessageProofKey key = key(service.name());
				yield List.of(new MessageTokenPublishPostProcessor(this.topics,
						this.issuer.tokensFor(service::name, service.scopes(), key), user, key.thumbprint()));
			}
		};
	}

	@Override
	public EnvelopeSigner signer(OtherService service) {
		// it proves only messages whose token is bound to its key
		return this.signers.computeIfAbsent(service.name(), (name) -> new MessageProofSigner(key(name)));
	}

	/** The key {@code service}'s tokens are bound to, made on first use. */
	MessageProofKey key(String service) {
		return keys.computeIfAbsent(service, (name) -> MessageProofKey.generate(this.issuer.clock()));
	}

	@Override
	public void close() {
		this.signers.values().forEach(MessageProofSigner::close);
	}

	/** The token a test made, on every message, where the token element would put it. */
	private record GivenToken(String token) implements PublishPostProcessor, Ordered {

		@Override
		public void postProcess(OutgoingMessage message) {
			message.headers().put(BusHeaders.AUTHORIZATION, this.token);
		}

		@Override
		public int getOrder() {
			return MessageTokenPublishPostProcessor.ORDER;
		}

	}

}

package dev.bus.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestTemplate;

import dev.bus.core.TopicPattern;
import dev.bus.transport.BrokerAccess;
import dev.bus.security.ClientCredentialsTokenClient;
import dev.bus.security.ClientCredentialsTokens;
import dev.bus.security.MessageTokenPublishPostProcessor;
import dev.bus.security.MessageTokenReceivePostProcessor;
import dev.bus.security.MessageTokenSource;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageProofSigner;
import dev.bus.security.MessageProofVerifier;
import dev.bus.security.MessageTokenVerifier;

/**
 * Per-message tokens ({@code bus.security.message-token.topics}): publishers attach a
 * client-credentials token for the bus to every message on those topics, bound to the
 * app's own key ({@link MessageProofKey}) and proved per message
 * ({@link MessageProofSigner}); listeners verify both before anything else sees the
 * message. A publisher-only application needs the registration, a listener-only one the
 * issuer and its key set; an application that does both needs all three. What is missing
 * for what the application does fails start-up, naming the property.
 */
@AutoConfiguration(before = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class },
		after = BusBrokerTokenAutoConfiguration.class,
		afterName = "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnClass({ ClientRegistration.class, NimbusJwtDecoder.class })
@Conditional(BusMessageTokenAutoConfiguration.OnMessageTokenTopics.class)
@EnableConfigurationProperties(BusProperties.class)
public final class BusMessageTokenAutoConfiguration {

	private static final String PREFIX = "bus.security.message-token.";

	/**
	 * The key this app's tokens are bound to: made at start-up, in memory only. Not with
	 * {@code require-proof=false}, which sends bearer tokens without proofs.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "bus.security.message-token", name = "registration")
	@ConditionalOnBooleanProperty(name = "bus.security.message-token.require-proof", matchIfMissing = true)
	MessageProofKey busMessageProofKey() {
		return MessageProofKey.generate(Clock.systemUTC());
	}

	/**
	 * Signs the proofs of this app's messages; the envelope factory puts it last before
	 * sending.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MessageProofKey.class)
	MessageProofSigner busMessageProofSigner(MessageProofKey busMessageProofKey) {
		return new MessageProofSigner(busMessageProofKey);
	}

	/**
	 * {@code bus.security.message.proofs} (signatures),
	 * {@code bus.security.message.proved} (messages) and
	 * {@code bus.security.message.proof.signing} (seconds spent signing), bound by Boot's
	 * metrics support.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnProperty(prefix = "bus.security.message-token", name = "registration")
	@ConditionalOnBooleanProperty(name = "bus.security.message-token.require-proof", matchIfMissing = true)
	static class MessageProofMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busMessageProofMetrics")
		MeterBinder busMessageProofMetrics(MessageProofSigner signer) {
			return (registry) -> {
				FunctionCounter.builder("bus.security.message.proofs", signer, MessageProofSigner::signatures)
					.description("Message proofs signed, each over a tree of the messages waiting")
					.register(registry);
				FunctionCounter.builder("bus.security.message.proved", signer, MessageProofSigner::provedMessages)
					.description("Messages proved; divided by bus.security.message.proofs, the mean tree")
					.register(registry);
				FunctionCounter
					.builder("bus.security.message.proof.signing", signer, MessageProofSigner::signingSeconds)
					.baseUnit("seconds")
					.description("Time spent signing proofs; its rate is the share of a core signing takes")
					.register(registry);
			};
		}

	}

	@Bean
	@ConditionalOnMissingBean
	MessageTokenPublishPostProcessor busMessageTokenPublishPostProcessor(BusProperties properties,
			ObjectProvider<MessageTokenSource> tokenSource, ObjectProvider<ClientRegistrationRepository> registrations,
			ObjectProvider<BrokerAccess> brokerAccess, ObjectProvider<MessageProofKey> proofKey) {
		SecurityProperties.MessageToken messageToken = properties.getSecurity().getMessageToken();
		MessageProofKey key = proofKey.getIfAvailable();
		MessageTokenSource tokens = tokenSource.getIfAvailable();
		if (tokens == null && StringUtils.hasText(messageToken.getRegistration())) {
			ClientRegistration registration = ClientCredentialsRegistrations.find(messageToken.getRegistration(),
					registrations, PREFIX + "registration");
			tokens = new ClientCredentialsTokens(registration,
					(key != null) ? ClientCredentialsTokenClient.boundTo(key, messageToken.getTimeout())
							: ClientCredentialsTokenClient.withTimeout(messageToken.getTimeout()),
					Clock.systemUTC());
		}
		return new MessageTokenPublishPostProcessor(topics(messageToken), tokens,
				brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN), (key != null) ? key.thumbprint() : null);
	}

	/**
	 * Checks tokens against the issuer's key set ({@code jwk-set-uri}), issuer and
	 * audience.
	 */
	@Bean
	@ConditionalOnMissingBean
	MessageTokenVerifier busMessageTokenVerifier(BusProperties properties) {
		SecurityProperties.MessageToken messageToken = properties.getSecurity().getMessageToken();
		require(messageToken.getIssuerUri(), "issuer-uri");
		require(messageToken.getJwkSetUri(), "jwk-set-uri");
		SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
		requestFactory.setConnectTimeout(messageToken.getTimeout());
		requestFactory.setReadTimeout(messageToken.getTimeout());
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(messageToken.getJwkSetUri())
			.restOperations(new RestTemplate(requestFactory))
			.build();
		return MessageTokenVerifier.of(decoder, messageToken.getIssuerUri(), messageToken.getAudience());
	}

	@Bean
	@ConditionalOnMissingBean
	MessageTokenReceivePostProcessor busMessageTokenReceivePostProcessor(BusProperties properties,
			MessageTokenVerifier busMessageTokenVerifier) {
		SecurityProperties.MessageToken messageToken = properties.getSecurity().getMessageToken();
		return new MessageTokenReceivePostProcessor(topics(messageToken), busMessageTokenVerifier,
				new MessageProofVerifier(), messageToken.isRequireProof(), messageToken.getClockSkew(),
				Clock.systemUTC());
	}

	private static List<TopicPattern> topics(SecurityProperties.MessageToken messageToken) {
		List<TopicPattern> topics = new ArrayList<>();
		for (int i = 0; i < messageToken.getTopics().size(); i++) {
			try {
				topics.add(TopicPattern.of(messageToken.getTopics().get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(PREFIX + "topics[" + i + "]: " + ex.getMessage(), ex);
			}
		}
		return topics;
	}

	private static void require(String value, String property) {
		if (!StringUtils.hasText(value)) {
			throw new IllegalStateException(PREFIX + property + " must be set: listeners verify every token on "
					+ PREFIX + "topics against the issuer (for Spring Authorization Server, jwk-set-uri is "
					+ "<issuer>/oauth2/jwks)");
		}
	}

	/**
	 * Matches when {@code bus.security.message-token.topics} lists a topic, in either
	 * list form.
	 */
	public static final class OnMessageTokenTopics extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean listed = Binder.get(context.getEnvironment())
				.bind(PREFIX + "topics", Bindable.listOf(String.class))
				.map((topics) -> !topics.isEmpty())
				.orElse(false);
			return listed ? ConditionOutcome.match(PREFIX + "topics is set")
					: ConditionOutcome.noMatch(PREFIX + "topics is empty");
		}

	}

}

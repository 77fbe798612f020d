package dev.bus.testkit.security;

import java.time.Clock;
import java.util.List;

import com.google.crypto.tink.Aead;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import dev.bus.autoconfigure.BusMessageTokenAutoConfiguration;
import dev.bus.autoconfigure.BusProperties;
import dev.bus.core.TopicPattern;
import dev.bus.crypto.TopicKeysets;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageTokenSource;
import dev.bus.security.MessageTokenVerifier;
import dev.bus.testkit.BusTestProperties;
import dev.bus.transport.BrokerAccess;

/**
 * Identities in a test: {@link OtherServices} to send as other services, and per-message
 * tokens from the {@link TestIssuer} in place of the application's issuer
 * ({@code bus.test.issuer.enabled}, the default): its listeners verify tokens against the
 * test issuer's key, and its publishes carry tokens the test issuer signed for its broker
 * user with {@code bus.test.issuer.scopes}, bound to its key, so that
 * {@code bus.security.message-token.registration}, {@code issuer-uri} and
 * {@code jwk-set-uri} need not be set. Runs before Bus's own configuration of tokens,
 * which then takes these beans.
 */
@AutoConfiguration(before = BusMessageTokenAutoConfiguration.class,
		afterName = { "dev.bus.autoconfigure.BusBrokerTokenAutoConfiguration",
				"dev.bus.autoconfigure.BusCertificateLoginAutoConfiguration",
				"dev.bus.autoconfigure.BusEncryptionAutoConfiguration",
				"dev.bus.testkit.inprocess.BusInProcessAutoConfiguration" })
@EnableConfigurationProperties({ BusProperties.class, BusTestProperties.class, RabbitProperties.class })
public final class BusTestSecurityAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	OtherServices busTestOtherServices(ObjectProvider<OtherServices.Transport> transport,
			ObjectProvider<OtherServices.Elements> elements, ObjectProvider<JsonMapper> jsonMapper,
			BusProperties properties) {
		return new OtherServices(transport.getIfAvailable(),
				new ServiceEnvelopes(jsonMapper.getIfAvailable(JsonMapper::new), properties.getExchange(),
						properties.getPublisher().getMaxMessageSize().toBytes(), elements.orderedStream().toList()));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NimbusJwtDecoder.class, MessageProofKey.class })
	@ConditionalOnBooleanProperty(name = "bus.test.issuer.enabled", matchIfMissing = true)
	static class TestIssuerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TestIssuer busTestIssuer(BusProperties properties) {
			return new TestIssuer(properties.getSecurity().getMessageToken().getAudience(), Clock.systemUTC());
		}

		/** Only when the application has topics that carry tokens. */
		@Configuration(proxyBeanMethods = false)
		@Conditional(BusMessageTokenAutoConfiguration.OnMessageTokenTopics.class)
		static class ApplicationTokens {

			/**
			 * The broker user the application's messages carry ({@code user_id}), which
			 * its tokens are issued to: the user it connects as, when it does not say
			 * otherwise (with broker tokens or certificate login, or in-process).
			 */
			@Bean
			@ConditionalOnMissingBean
			BrokerAccess busTestBrokerUser(ObjectProvider<RabbitConnectionDetails> connectionDetails,
					RabbitProperties rabbit) {
				RabbitConnectionDetails details = connectionDetails.getIfAvailable();
				return BrokerAccess.user((details != null) ? details.getUsername() : rabbit.determineUsername());
			}

			@Bean
			@ConditionalOnMissingBean
			@ConditionalOnBooleanProperty(name = "bus.security.message-token.require-proof", matchIfMissing = true)
			MessageProofKey busMessageProofKey() {
				return MessageProofKey.generate(Clock.systemUTC());
			}

			@Bean
			@ConditionalOnMissingBean
			MessageTokenVerifier busMessageTokenVerifier(TestIssuer busTestIssuer) {
				return busTestIssuer.verifier();
			}

			@Bean
			@ConditionalOnMissingBean
			MessageTokenSource busTestMessageTokens(TestIssuer busTestIssuer, ObjectProvider<BrokerAccess> brokerAccess,
					ObjectProvider<MessageProofKey> proofKey, BusTestProperties properties) {
				return busTestIssuer.tokensFor(() -> brokerAccess.getObject().userId(),
						properties.getIssuer().getScopes(), proofKey.getIfAvailable());
			}

			/** Other services' tokens, on the application's token topics. */
			@Bean
			ServiceTokens busTestServiceTokens(TestIssuer busTestIssuer, BusProperties properties) {
				List<TopicPattern> topics = properties.getSecurity()
					.getMessageToken()
					.getTopics()
					.stream()
					.map(TopicPattern::of)
					.toList();
				return new ServiceTokens(busTestIssuer, topics);
			}

		}

	}

	/** Other services' payloads on the application's encrypted topics. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Aead.class)
	@ConditionalOnProperty("bus.security.encryption.topics[0].pattern")
	static class ServiceEncryptionConfiguration {

		@Bean
		ServiceEncryption busTestServiceEncryption(TopicKeysets keysets) {
			return new ServiceEncryption(keysets);
		}

	}

}

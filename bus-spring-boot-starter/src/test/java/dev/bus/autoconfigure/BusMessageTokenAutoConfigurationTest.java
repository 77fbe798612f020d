package dev.bus.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageProofSigner;
import dev.bus.security.MessageTokenPublishPostProcessor;
import dev.bus.security.MessageTokenReceivePostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Per-message tokens: on only when topics are listed (either list form), the listener's
 * issuer settings required and named when missing, and a publish on a token topic refused
 * when no registration can give a token. The real issuer and broker are in
 * MessageTokenIT.
 */
class BusMessageTokenAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				BusMessageTokenAutoConfiguration.class, RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
				BusConnectionFactoryAutoConfiguration.class, BusAutoConfiguration.class))
		.withPropertyValues("spring.rabbitmq.port=1", "spring.application.name=test-app");

	private static final String ISSUER = "bus.security.message-token.issuer-uri=http://127.0.0.1:9000";

	private static final String KEYS = "bus.security.message-token.jwk-set-uri=http://127.0.0.1:9000/oauth2/jwks";

	@Test
	void offWithoutTopicsOnWithTopicsInEitherListForm() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MessageTokenReceivePostProcessor.class));
		this.runner.withPropertyValues("bus.security.message-token.topics[0]=orders.*", ISSUER, KEYS)
			.run((context) -> assertThat(context).hasSingleBean(MessageTokenReceivePostProcessor.class)
				.hasSingleBean(MessageTokenPublishPostProcessor.class));
	}

	@Test
	void listenersNeedTheIssuerAndItsKeySet() {
		this.runner.withPropertyValues("bus.security.message-token.topics=orders.*", ISSUER)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.security.message-token.jwk-set-uri must be set"));
	}

	@Test
	void aBadTopicPatternFailsStartUpNamingItsIndex() {
		this.runner.withPropertyValues("bus.security.message-token.topics=orders.*,orders..x", ISSUER, KEYS)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("bus.security.message-token.topics[1]: Topic pattern 'orders..x'"));
	}

	@Test
	void aPublishOnATokenTopicWithoutARegistrationIsRefusedBeforeSending() {
		this.runner.withPropertyValues("bus.security.message-token.topics=orders.*", ISSUER, KEYS)
			.run((context) -> assertThatExceptionOfType(BusPublishException.class)
				.isThrownBy(() -> context.getBean(EnvelopeFactory.class)
					.create(OutboundMessage.builder("orders.created", "x").build()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.REJECTED))
				.withMessageContaining("bus.security.message-token.registration is not set"));
	}

	@Test
	void aPublisherBindsItsTokensToAKeyOfItsOwnUnlessProofsAreOff() {
		String registration = "spring.security.oauth2.client.registration.bus-messages.";
		ApplicationContextRunner publisher = this.runner.withPropertyValues(
				"bus.security.message-token.topics=orders.*", ISSUER, KEYS,
				"bus.security.message-token.registration=bus-messages", registration + "client-id=orders",
				registration + "client-secret=orders-secret",
				registration + "authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.provider.bus-messages.token-uri=http://127.0.0.1:9000/oauth2/token");
		publisher.run((context) -> {
			assertThat(context).hasSingleBean(MessageProofKey.class).hasSingleBean(MessageProofSigner.class);
			assertThat(context.getBean(MessageProofKey.class).thumbprint()).isNotBlank();
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			context.getBean("busMessageProofMetrics", MeterBinder.class).bindTo(meters);
			assertThat(meters.get("bus.security.message.proofs").functionCounter().count()).isZero();
			assertThat(meters.get("bus.security.message.proof.signing").functionCounter().count()).isZero();
		});
		publisher.withPropertyValues("bus.security.message-token.require-proof=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MessageProofKey.class)
				.doesNotHaveBean(MessageProofSigner.class)
				.doesNotHaveBean("busMessageProofMetrics")
				.hasSingleBean(MessageTokenPublishPostProcessor.class));
	}

}

package dev.bus.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;

import dev.bus.transport.BrokerAccess;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.security.ClientCredentialsTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Broker authentication with tokens: wired into the connection factory Boot creates
 * through Boot's own beans, and a registration that does not exist or cannot give
 * client-credentials tokens fails start-up naming the property. The real broker and
 * issuer are in SecuredBrokerIT.
 */
class BusBrokerTokenAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				BusBrokerTokenAutoConfiguration.class, RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
				BusConnectionFactoryAutoConfiguration.class, BusAutoConfiguration.class))
		.withPropertyValues("spring.rabbitmq.port=1", "spring.application.name=test-app");

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.broker.";

	@Test
	void nothingChangesWithoutTheProperty() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(BrokerTokenCredentials.class)
			.doesNotHaveBean(CredentialsRefreshService.class));
	}

	@Test
	void theTokensBecomeTheConnectionFactorysCredentialsAndThePublishersBrokerAccess() {
		this.runner
			.withPropertyValues("bus.security.broker-token.registration=broker", REGISTRATION + "client-id=orders",
					REGISTRATION + "client-secret=s", REGISTRATION + "authorization-grant-type=client_credentials",
					REGISTRATION + "provider=issuer",
					"spring.security.oauth2.client.provider.issuer.token-uri=http://127.0.0.1:1/token")
			.run((context) -> {
				BrokerTokenCredentials credentials = context.getBean(BrokerTokenCredentials.class);
				assertThat(context).hasSingleBean(CredentialsRefreshService.class);
				assertThat(context.getBean(BrokerAccess.class)).isSameAs(credentials);
				// amqp-client has no getter for it
				assertThat(ReflectionTestUtils.getField(
						context.getBean(CachingConnectionFactory.class).getRabbitConnectionFactory(),
						"credentialsProvider"))
					.isSameAs(credentials);
				// the issuer cannot be reached here: a failed request is counted
				MeterRegistry meters = new SimpleMeterRegistry();
				context.getBean("busBrokerTokenMetrics", MeterBinder.class).bindTo(meters);
				assertThatExceptionOfType(ClientCredentialsTokens.TokenUnavailableException.class)
					.isThrownBy(() -> credentials.tokens().fetch());
				assertThat(meters.get("bus.security.broker-token.failures").functionCounter().count()).isOne();
			});
	}

	@Test
	void anUnknownRegistrationFailsStartUpNamingTheProperties() {
		this.runner.withPropertyValues("bus.security.broker-token.registration=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.security.broker-token.registration names 'missing'")
				.hasMessageContaining("spring.security.oauth2.client.registration.missing.*"));
	}

	@Test
	void anEmptyRegistrationFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("bus.security.broker-token.registration=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("bus.security.broker-token.registration is empty"));
	}

	@Test
	void aRegistrationWithAnotherGrantTypeFailsStartUp() {
		this.runner
			.withPropertyValues("bus.security.broker-token.registration=broker", REGISTRATION + "client-id=orders",
					REGISTRATION + "authorization-grant-type=authorization_code",
					REGISTRATION + "redirect-uri=http://127.0.0.1/cb", REGISTRATION + "provider=issuer",
					"spring.security.oauth2.client.provider.issuer.token-uri=http://127.0.0.1:1/token",
					"spring.security.oauth2.client.provider.issuer.authorization-uri=http://127.0.0.1:1/authorize")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(REGISTRATION + "authorization-grant-type must be client_credentials"));
	}

}

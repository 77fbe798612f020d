package dev.bus.testkit.security;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.bus.autoconfigure.BusMessageTokenAutoConfiguration;
import dev.bus.security.ClientToken;
import dev.bus.security.MessageProofKey;
import dev.bus.security.MessageTokenSource;
import dev.bus.security.MessageTokenVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class BusTestSecurityAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(BusTestSecurityAutoConfiguration.class, BusMessageTokenAutoConfiguration.class))
		.withPropertyValues("bus.security.message-token.topics=orders.*", "spring.rabbitmq.username=orders");

	@Test
	void theTestIssuerStandsInForTheApplicationsIssuerAndItsTokensVerify() {
		this.runner.withPropertyValues("bus.test.issuer.scopes=bus.publish:orders.created").run((context) -> {
			assertThat(context).hasNotFailed();
			ClientToken token = context.getBean(MessageTokenSource.class).currentWithAtLeast(0.2);
			assertThat(token.subject()).as("the broker user it connects as").isEqualTo("orders");
			assertThat(token.scopes()).containsExactly("bus.publish:orders.created");
			assertThat(token.boundKey()).isEqualTo(context.getBean(MessageProofKey.class).thumbprint());
			assertThat(context.getBean(MessageTokenVerifier.class).verify(token.value()).getSubject())
				.isEqualTo("orders");
		});
	}

	@Test
	void switchedOffTheApplicationNeedsItsOwnIssuerAgain() {
		this.runner.withPropertyValues("bus.test.issuer.enabled=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("bus.security.message-token.issuer-uri must be set"));
	}

	@Test
	void withoutTokenTopicsItAddsNothingButTheIssuerAndOtherServices() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BusTestSecurityAutoConfiguration.class,
					BusMessageTokenAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(TestIssuer.class)
				.hasSingleBean(OtherServices.class)
				.doesNotHaveBean(MessageTokenSource.class)
				.doesNotHaveBean(MessageTokenVerifier.class));
	}

}

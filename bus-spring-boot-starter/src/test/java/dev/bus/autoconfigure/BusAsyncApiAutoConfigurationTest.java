package dev.bus.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class BusAsyncApiAutoConfigurationTest {

	@Test
	void anAppWithABrokerTokenDescribesOAuth2ClientCredentialsWithItsTokenUrl() {
		BusProperties properties = new BusProperties();
		properties.getSecurity().getBrokerToken().setRegistration("bus-broker");
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.security.oauth2.client.registration.bus-broker.provider", "issuer")
			.withProperty("spring.security.oauth2.client.provider.issuer.token-uri", "https://id.example/token");
		Map<String, Object> scheme = BusAsyncApiAutoConfiguration.securityScheme(properties, environment);
		assertThat(scheme).containsEntry("type", "oauth2")
			.containsEntry("flows", Map.of("clientCredentials",
					Map.of("tokenUrl", "https://id.example/token", "availableScopes", Map.of())));
	}

	@Test
	void certificateLoginIsX509AndOtherwiseAUserAndPassword() {
		BusProperties properties = new BusProperties();
		assertThat(BusAsyncApiAutoConfiguration.securityScheme(properties,
				new MockEnvironment().withProperty("bus.security.certificate-login", "true")))
			.containsEntry("type", "X509");
		assertThat(BusAsyncApiAutoConfiguration.securityScheme(properties, new MockEnvironment())).containsEntry("type",
				"userPassword");
	}

}

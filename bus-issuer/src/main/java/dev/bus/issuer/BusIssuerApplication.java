package dev.bus.issuer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The token issuer of Bus's tests and sample system: Spring Authorization Server as Boot
 * configures it from {@code spring.security.oauth2.authorizationserver.*}, signing with a
 * key from a file (which the secured RabbitMQ node trusts) and setting each token's
 * audience from its scopes ({@link ScopeAudienceTokenCustomizer}).
 */
@SpringBootApplication
@EnableConfigurationProperties(IssuerProperties.class)
public class BusIssuerApplication {

	public static void main(String[] args) {
		SpringApplication.run(BusIssuerApplication.class, args);
	}

}

package dev.bus.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import com.nimbusds.jwt.JWTParser;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import com.rabbitmq.client.impl.DefaultCredentialsRefreshService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

import dev.bus.security.BrokerToken;
import dev.bus.security.BrokerTokenCredentials;

/**
 * Authenticates to RabbitMQ with OAuth2 client-credentials tokens ({@code bus.security.broker-token.registration}
 * names a Spring Security client registration). Boot's own seams do the wiring: its connection factory takes the
 * {@link CredentialsProvider} and {@link CredentialsRefreshService} beans, so the token is the password of every
 * connection and is replaced on live connections (AMQP {@code update-secret}) when 80% of its lifetime has passed.
 *
 * <p>An issuer that is down at start-up does not stop the application: connections fail and are retried as after
 * any connection failure, and {@code busBrokerToken} health says why until a token is obtained.
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class,
		afterName = "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnClass({ ClientRegistration.class, CredentialsProvider.class, JWTParser.class })
@ConditionalOnProperty("bus.security.broker-token.registration")
@EnableConfigurationProperties(BusProperties.class)
public final class BusBrokerTokenAutoConfiguration {

	/** When a token has this little time left as a connection opens, a new one is fetched first. */
	private static final Duration APPROACHING_EXPIRATION = Duration.ofSeconds(5);

	private static final double REFRESH_AT_RATIO = 0.8;

	@Bean
	@ConditionalOnMissingBean(CredentialsProvider.class)
	BrokerTokenCredentials busBrokerTokenCredentials(BusProperties properties,
			ObjectProvider<ClientRegistrationRepository> registrations, RabbitConnectionDetails connectionDetails) {
		BusProperties.BrokerToken brokerToken = properties.getSecurity().getBrokerToken();
		ClientRegistration registration = registration(brokerToken.getRegistration(), registrations);
		String virtualHost = connectionDetails.getVirtualHost();
		return new BrokerTokenCredentials(registration, tokenClient(brokerToken.getTimeout()),
				brokerToken.getResourceServerId(), (virtualHost != null) ? virtualHost : "/", Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(CredentialsRefreshService.class)
	DefaultCredentialsRefreshService busCredentialsRefreshService() {
		// A null scheduler makes the service create (and close with the context) a single thread of its own.
		return new DefaultCredentialsRefreshService(null,
				DefaultCredentialsRefreshService.ratioRefreshDelayStrategy(REFRESH_AT_RATIO),
				DefaultCredentialsRefreshService.fixedTimeApproachingExpirationStrategy(APPROACHING_EXPIRATION));
	}

	private static ClientRegistration registration(String id,
			ObjectProvider<ClientRegistrationRepository> registrations) {
		ClientRegistrationRepository repository = registrations.getIfAvailable();
		ClientRegistration registration = (repository != null) ? repository.findByRegistrationId(id) : null;
		if (registration == null) {
			throw new IllegalStateException("bus.security.broker-token.registration names '" + id
					+ "', but there is no such OAuth2 client registration: define spring.security.oauth2.client"
					+ ".registration." + id + ".* (client-id, client-secret, authorization-grant-type="
					+ "client_credentials, scope) and the provider's token-uri");
		}
		if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(registration.getAuthorizationGrantType())) {
			throw new IllegalStateException("spring.security.oauth2.client.registration." + id
					+ ".authorization-grant-type must be client_credentials for bus.security.broker-token, was "
					+ registration.getAuthorizationGrantType().getValue());
		}
		return registration;
	}

	/** Spring Security's token client, with timeouts: a hung issuer must not hang a connection attempt. */
	private static RestClientClientCredentialsTokenResponseClient tokenClient(Duration timeout) {
		SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
		requestFactory.setConnectTimeout(timeout);
		requestFactory.setReadTimeout(timeout);
		RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
		client.setRestClient(RestClient.builder()
			.requestFactory(requestFactory)
			.messageConverters((converters) -> {
				converters.clear();
				converters.add(new FormHttpMessageConverter());
				converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
			})
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build());
		return client;
	}

	/**
	 * {@code busBrokerToken} in health: DOWN with the reason while no token can be obtained, UP with the broker
	 * user, its scopes and the token's expiry otherwise. Never the token.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class BrokerTokenHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busBrokerTokenHealthIndicator")
		HealthIndicator busBrokerTokenHealthIndicator(BrokerTokenCredentials credentials) {
			return () -> {
				String problem = credentials.problem();
				BrokerToken token = credentials.token();
				Health.Builder health = (problem != null) ? Health.down().withDetail("problem", problem)
						: (token != null) ? Health.up() : Health.unknown();
				health.withDetail("client", credentials.describeClient());
				if (token != null) {
					health.withDetail("brokerUser", String.valueOf(token.subject()))
						.withDetail("scopes", token.scopes())
						.withDetail("expiresAt", token.expiresAt().toString());
				}
				return health.build();
			};
		}

	}

}

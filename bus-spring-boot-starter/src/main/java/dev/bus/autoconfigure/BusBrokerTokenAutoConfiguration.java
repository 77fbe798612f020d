package dev.bus.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jwt.JWTParser;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import com.rabbitmq.client.impl.DefaultCredentialsRefreshService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import dev.bus.security.ApplicationScopes;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.security.ClientCredentialsTokenClient;
import dev.bus.security.ClientCredentialsTokens;
import dev.bus.security.ClientToken;

/**
 * Authenticates to RabbitMQ with OAuth2 client-credentials tokens
 * ({@code bus.security.broker-token.registration} names a Spring Security client
 * registration). Boot's own seams do the wiring: its connection factory takes the
 * {@link CredentialsProvider} and {@link CredentialsRefreshService} beans, so the token
 * is the password of every connection and is replaced on live connections (AMQP
 * {@code update-secret}) when 80% of its lifetime has passed.
 *
 * <p>
 * An issuer that is down at start-up does not stop the application: connections fail and
 * are retried as after any connection failure, and {@code busBrokerToken} health says why
 * until a token is obtained.
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class,
		afterName = "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnClass({ ClientRegistration.class, CredentialsProvider.class, JWTParser.class })
@ConditionalOnProperty("bus.security.broker-token.registration")
@EnableConfigurationProperties(BusProperties.class)
public final class BusBrokerTokenAutoConfiguration {

	/**
	 * When a token has this little time left as a connection opens, a new one is fetched
	 * first.
	 */
	private static final Duration APPROACHING_EXPIRATION = Duration.ofSeconds(5);

	private static final double REFRESH_AT_RATIO = 0.8;

	private static final Log logger = LogFactory.getLog(BusBrokerTokenAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(CredentialsProvider.class)
	BrokerTokenCredentials busBrokerTokenCredentials(BusProperties properties,
			ObjectProvider<ClientRegistrationRepository> registrations, RabbitConnectionDetails connectionDetails) {
		SecurityProperties.BrokerToken brokerToken = properties.getSecurity().getBrokerToken();
		ClientRegistration registration = ClientCredentialsRegistrations.find(brokerToken.getRegistration(),
				registrations, "bus.security.broker-token.registration");
		String virtualHost = connectionDetails.getVirtualHost();
		ClientCredentialsTokens tokens = new ClientCredentialsTokens(registration,
				ClientCredentialsTokenClient.withTimeout(brokerToken.getTimeout()), Clock.systemUTC());
		return new BrokerTokenCredentials(tokens, brokerToken.getResourceServerId(),
				(virtualHost != null) ? virtualHost : "/", Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean(CredentialsRefreshService.class)
	DefaultCredentialsRefreshService busCredentialsRefreshService() {
		// A null scheduler makes the service create (and close with the context) a single
		// thread of its own.
		return new DefaultCredentialsRefreshService(null,
				DefaultCredentialsRefreshService.ratioRefreshDelayStrategy(REFRESH_AT_RATIO),
				DefaultCredentialsRefreshService.fixedTimeApproachingExpirationStrategy(APPROACHING_EXPIRATION));
	}

	/**
	 * Logs at debug, once the application is ready, the RabbitMQ scopes it needs, so that
	 * an operator can register its client with least privilege (the {@code bus} endpoint
	 * lists them too).
	 */
	@Bean
	ApplicationListener<ApplicationReadyEvent> busRequiredScopesLogger(ObjectProvider<ApplicationScopes> scopes) {
		return (event) -> {
			ApplicationScopes needed = scopes.getIfAvailable();
			if (logger.isDebugEnabled() && needed != null) {
				logger.debug("RabbitMQ scopes this application needs: " + needed.broker()
						+ " (the bus actuator endpoint lists them under requiredScopes, with the topics published)");
			}
		};
	}

	/**
	 * {@code bus.security.broker-token.failures}: requests for a broker token the issuer
	 * did not answer with one (the last token serves until it expires), which the chart's
	 * {@code BusBrokerTokenFailing} alert watches.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class BrokerTokenMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busBrokerTokenMetrics")
		MeterBinder busBrokerTokenMetrics(BrokerTokenCredentials credentials) {
			return (registry) -> FunctionCounter
				.builder("bus.security.broker-token.failures", credentials.tokens(),
						ClientCredentialsTokens::failedFetches)
				.description("Broker token requests the issuer did not answer with a token")
				.register(registry);
		}

	}

	/**
	 * {@code busBrokerToken} in health: DOWN with the reason while no token can be
	 * obtained or while the token lacks a scope the application needs
	 * ({@code missingScopes}), UP with the broker user, its scopes and the token's expiry
	 * otherwise. Never the token.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class BrokerTokenHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busBrokerTokenHealthIndicator")
		HealthIndicator busBrokerTokenHealthIndicator(BrokerTokenCredentials credentials,
				ObjectProvider<ApplicationScopes> scopes) {
			ClientCredentialsTokens tokens = credentials.tokens();
			return () -> {
				String problem = tokens.problem();
				ClientToken token = tokens.current();
				ApplicationScopes needed = scopes.getIfAvailable();
				List<String> missing = (token != null && needed != null)
						? needed.brokerScopesMissingFrom(token.scopes()) : List.of();
				if (problem == null && !missing.isEmpty()) {
					problem = "the token lacks scopes this application needs: register client "
							+ tokens.describeClient() + " with them";
				}
				Health.Builder health = (problem != null) ? Health.down().withDetail("problem", problem)
						: (token != null) ? Health.up() : Health.unknown();
				health.withDetail("client", tokens.describeClient());
				if (token != null) {
					health.withDetail("brokerUser", String.valueOf(token.subject()))
						.withDetail("scopes", token.scopes())
						.withDetail("expiresAt", token.expiresAt().toString());
				}
				if (!missing.isEmpty()) {
					health.withDetail("missingScopes", missing);
				}
				return health.build();
			};
		}

	}

}

package dev.bus.console;

import java.net.http.HttpClient;
import java.time.Clock;

import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import dev.bus.console.apps.AppActuator;
import dev.bus.console.audit.ConsoleAudit;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.failures.FailedMessages;
import dev.bus.console.failures.FailureActions;
import dev.bus.console.failures.RetriedMessages;
import dev.bus.console.metrics.TopicRates;
import dev.bus.console.routing.RuleSets;

/** The console's parts. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

	/**
	 * Whom the console's own token is for: the console itself, not the person on the
	 * page, so one token (the operator scope of the console's client) serves every call
	 * to the apps, and the person's identity goes to the audit log instead.
	 */
	private static final Authentication CONSOLE = UsernamePasswordAuthenticationToken.authenticated("bus-console", null,
			AuthorityUtils.NO_AUTHORITIES);

	@Bean
	ConsulCatalog consulCatalog(ConsoleProperties properties) {
		return new ConsulCatalog(RestClient.builder().requestFactory(requestFactory(properties)), properties);
	}

	@Bean
	AppActuator appActuator(ConsoleProperties properties, ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients) {
		RestClient.Builder apps = RestClient.builder().requestFactory(requestFactory(properties));
		if (properties.appsRegistration() != null) {
			OAuth2ClientHttpRequestInterceptor token = new OAuth2ClientHttpRequestInterceptor(
					new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, authorizedClients));
			token.setClientRegistrationIdResolver((request) -> properties.appsRegistration());
			token.setPrincipalResolver((request) -> CONSOLE);
			apps.requestInterceptor(token);
		}
		return new AppActuator(apps.build());
	}

	private static JdkClientHttpRequestFactory requestFactory(ConsoleProperties properties) {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.appsTimeout())
			.build());
		factory.setReadTimeout(properties.appsTimeout());
		return factory;
	}

	@Bean
	TopicRates topicRates(ConsoleProperties properties) {
		return new TopicRates((properties.prometheusUrl() != null) ? RestClient.builder()
			.requestFactory(requestFactory(properties))
			.baseUrl(properties.prometheusUrl().toString())
			.build() : null);
	}

	@Bean
	InMemoryAuditEventRepository auditEventRepository(ConsoleProperties properties) {
		return new InMemoryAuditEventRepository(properties.auditKept());
	}

	@Bean
	ConsoleAudit consoleAudit(ApplicationEventPublisher events, InMemoryAuditEventRepository repository) {
		return new ConsoleAudit(events, repository);
	}

	@Bean
	RetriedMessages retriedMessages() {
		return new RetriedMessages(10_000);
	}

	@Bean
	FailedMessages failedMessages(AppActuator apps, RetriedMessages retried, ConsoleProperties properties) {
		return new FailedMessages(apps, retried, properties);
	}

	@Bean
	FailureActions failureActions(AppActuator apps, RetriedMessages retried, ConsoleAudit audit) {
		return new FailureActions(apps, retried, audit, Clock.systemUTC());
	}

	@Bean
	RuleSets ruleSets(ConsulCatalog consul, ConsoleProperties properties, ConsoleAudit audit) {
		return new RuleSets(consul, properties.routingPrefix(), audit);
	}

}

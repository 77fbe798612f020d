package dev.bus.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import com.github.victools.jsonschema.generator.SchemaGenerator;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.bus.actuate.BusAsyncApiEndpoint;
import dev.bus.asyncapi.AsyncApiDocument;
import dev.bus.asyncapi.AsyncApiWriter;
import dev.bus.asyncapi.BusAsyncApi;
import dev.bus.asyncapi.PayloadSchemas;
import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.PublishDeclarations;

/**
 * The application's AsyncAPI document ({@code bus.asyncapi.*}): served by the
 * {@code asyncapi} actuator endpoint when the actuator is there, and written to a file
 * when {@code bus.asyncapi.write-to} is set.
 */
@AutoConfiguration(after = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class })
@ConditionalOnClass(SchemaGenerator.class)
@ConditionalOnBean(EnvelopeSender.class)
public final class BusAsyncApiAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BusAsyncApi busAsyncApi(BusProperties properties, Environment environment, RabbitProperties rabbit,
			RabbitConnectionDetails connectionDetails, ObjectProvider<BusListenerRegistry> registry,
			PublishDeclarations publications, ObjectProvider<JsonMapper> jsonMapper) {
		AsyncApiProperties settings = properties.getAsyncapi();
		String title = (settings.getTitle() != null) ? settings.getTitle() : ApplicationName.of(environment);
		PayloadSchemas schemas = new PayloadSchemas(jsonMapper.getIfAvailable(JsonMapper::new));
		RabbitConnectionDetails.Address address = connectionDetails.getFirstAddress();
		return new BusAsyncApi(
				() -> new AsyncApiDocument(title, settings.getVersion(), settings.getDescription(),
						properties.getExchange(), schemas)
					.server(address.host() + ":" + address.port(), rabbit.getSsl().determineEnabled(),
							securityScheme(properties, environment)),
				registry.getIfAvailable(), publications,
				properties.getSecurity()
					.getEncryption()
					.getTopics()
					.stream()
					.map((topics) -> TopicPattern.of(topics.getPattern()))
					.toList(),
				properties.getPublisher().isPersistent());
	}

	@Bean
	@ConditionalOnProperty("bus.asyncapi.write-to")
	AsyncApiWriter busAsyncApiWriter(BusAsyncApi asyncApi, BusProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new AsyncApiWriter(asyncApi, properties.getAsyncapi().getWriteTo(),
				jsonMapper.getIfAvailable(JsonMapper::new));
	}

	/**
	 * How an application authenticates to the broker: an OAuth2 client-credentials token
	 * ({@code bus.security.broker-token.registration}), its TLS client certificate
	 * ({@code bus.security.certificate-login}), else a user and password.
	 */
	static Map<String, Object> securityScheme(BusProperties properties, Environment environment) {
		Map<String, Object> scheme = new LinkedHashMap<>();
		String registration = properties.getSecurity().getBrokerToken().getRegistration();
		if (registration != null) {
			String client = "spring.security.oauth2.client.";
			String provider = environment.getProperty(client + "registration." + registration + ".provider",
					registration);
			String tokenUrl = environment.getProperty(client + "provider." + provider + ".token-uri",
					environment.getProperty(client + "provider." + provider + ".issuer-uri", ""));
			scheme.put("type", "oauth2");
			scheme.put("description",
					"An access token as the AMQP password; its scopes (resource server '"
							+ properties.getSecurity().getBrokerToken().getResourceServerId()
							+ "') say which topics it may publish and read");
			scheme.put("flows", Map.of("clientCredentials", Map.of("tokenUrl", tokenUrl, "availableScopes", Map.of())));
		}
		else if (environment.getProperty("bus.security.certificate-login", Boolean.class, false)) {
			scheme.put("type", "X509");
			scheme.put("description", "The TLS client certificate; its common name is the broker user");
		}
		else {
			scheme.put("type", "userPassword");
		}
		return scheme;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnAvailableEndpoint(BusAsyncApiEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BusAsyncApiEndpoint busAsyncApiEndpoint(BusAsyncApi asyncApi) {
			return new BusAsyncApiEndpoint(asyncApi);
		}

	}

}

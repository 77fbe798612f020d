package dev.bus.autoconfigure;

import com.rabbitmq.client.DefaultSaslConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.ConnectionFactoryCustomizer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

import dev.bus.transport.BrokerAccess;
import dev.bus.security.CertificateBrokerAccess;

/**
 * Certificate login to RabbitMQ ({@code bus.security.certificate-login}): SASL
 * {@code EXTERNAL} on the connection factory Boot creates, through Boot's
 * {@link ConnectionFactoryCustomizer} seam (Boot has no property for it), so the TLS
 * client certificate is the credential of every connection, the publisher's included.
 * With the client certificate from an SSL bundle, its common name (the broker user) is
 * every message's {@code user_id}.
 */
@AutoConfiguration(before = { RabbitAutoConfiguration.class, BusAutoConfiguration.class })
@ConditionalOnClass(ConnectionFactoryCustomizer.class)
@ConditionalOnBooleanProperty("bus.security.certificate-login")
@EnableConfigurationProperties({ BusProperties.class, RabbitProperties.class })
public final class BusCertificateLoginAutoConfiguration {

	@Bean
	ConnectionFactoryCustomizer busCertificateLogin(RabbitProperties rabbit, BusProperties properties) {
		if (!rabbit.getSsl().determineEnabled()) {
			throw new IllegalStateException("bus.security.certificate-login needs TLS with a client certificate: set "
					+ "spring.rabbitmq.ssl.enabled=true and spring.rabbitmq.ssl.bundle");
		}
		if (StringUtils.hasText(properties.getSecurity().getBrokerToken().getRegistration())) {
			throw new IllegalStateException("bus.security.certificate-login and bus.security.broker-token.registration "
					+ "are two ways to log in to the broker: set one");
		}
		return (factory) -> factory.setSaslConfig(DefaultSaslConfig.EXTERNAL);
	}

	@Bean
	@ConditionalOnMissingBean(BrokerAccess.class)
	BrokerAccess busCertificateBrokerAccess(RabbitProperties rabbit, ObjectProvider<SslBundles> sslBundles) {
		String bundle = rabbit.getSsl().getBundle();
		SslBundles bundles = sslBundles.getIfAvailable();
		if (!StringUtils.hasText(bundle) || bundles == null) {
			// A key store from spring.rabbitmq.ssl.key-store: the login works, messages
			// carry no user_id.
			return BrokerAccess.UNKNOWN;
		}
		return CertificateBrokerAccess.of(bundles.getBundle(bundle).getStores().getKeyStore());
	}

}

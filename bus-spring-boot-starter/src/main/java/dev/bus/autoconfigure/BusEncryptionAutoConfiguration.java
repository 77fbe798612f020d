package dev.bus.autoconfigure;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.StringUtils;

import dev.bus.core.TopicPattern;
import dev.bus.crypto.DecryptingReceivePostProcessor;
import dev.bus.crypto.EncryptingPublishPostProcessor;
import dev.bus.crypto.KeysetFileKmsClient;
import dev.bus.crypto.TopicKeysets;
import dev.bus.transport.BrokerAccess;
import dev.bus.routing.TopicProtection;
import dev.bus.support.PeriodicTask;

/**
 * End-to-end payload encryption ({@code bus.security.encryption.topics[*]}), when Tink is
 * on the classpath: an element of each message chain, the publisher's encrypting last and
 * the listeners' decrypting first. Every keyset is loaded at start-up, so a missing or
 * bad one fails it, naming the property and the file.
 */
@AutoConfiguration(before = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class })
@ConditionalOnClass(Aead.class)
@ConditionalOnProperty("bus.security.encryption.topics[0].pattern")
@EnableConfigurationProperties(BusProperties.class)
public final class BusEncryptionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TopicKeysets busTopicKeysets(BusProperties properties, ResourceLoader resourceLoader,
			ObjectProvider<KmsClient> kmsClients) {
		List<KmsClient> clients = new ArrayList<>(kmsClients.orderedStream().toList());
		clients.add(new KeysetFileKmsClient(resourceLoader));
		List<TopicKeysets.Source> sources = new ArrayList<>();
		List<SecurityProperties.EncryptedTopics> topics = properties.getSecurity().getEncryption().getTopics();
		for (int i = 0; i < topics.size(); i++) {
			String property = "bus.security.encryption.topics[" + i + "]";
			SecurityProperties.EncryptedTopics entry = topics.get(i);
			if (!StringUtils.hasText(entry.getPattern()) || !StringUtils.hasText(entry.getKeyset())) {
				throw new IllegalStateException(property + " needs both a pattern and a keyset");
			}
			TopicPattern pattern;
			try {
				pattern = TopicPattern.of(entry.getPattern());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(property + ".pattern: " + ex.getMessage(), ex);
			}
			sources.add(new TopicKeysets.Source(pattern, resourceLoader.getResource(entry.getKeyset()),
					keyEncryptionKey(entry.getKeyEncryptionKey(), clients, property + ".key-encryption-key"),
					property + ".keyset"));
		}
		return TopicKeysets.load(sources);
	}

	/**
	 * The key-encryption key a URI names, from the first {@link KmsClient} that serves
	 * it; {@code null} for none.
	 */
	private static Aead keyEncryptionKey(String uri, List<KmsClient> clients, String property) {
		if (!StringUtils.hasText(uri)) {
			return null;
		}
		for (KmsClient client : clients) {
			if (client.doesSupport(uri)) {
				try {
					return client.getAead(uri);
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException(property + " (" + uri + ") cannot be used: " + ex.getMessage(), ex);
				}
			}
		}
		throw new IllegalStateException(
				property + " (" + uri + "): no Tink KmsClient bean serves this URI; " + KeysetFileKmsClient.PREFIX
						+ " is built in, KMS URIs need their Tink KMS extension's client as a " + "bean");
	}

	/**
	 * Reads the keyset files again every reload interval, so that a rotation rolled out
	 * by updating the mounted secret takes effect without a restart. Kubernetes replaces
	 * a mounted secret by swapping a symlink, which file-watch events miss: comparing a
	 * few small files on a timer is the reliable way to notice.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "busKeysetReloader")
	PeriodicTask busKeysetReloader(TopicKeysets keysets, @Qualifier("busTaskScheduler") TaskScheduler busTaskScheduler,
			BusProperties properties) {
		return new PeriodicTask("Keyset reload", keysets::reload, busTaskScheduler,
				properties.getSecurity().getEncryption().getReloadInterval());
	}

	/** {@code bus.security.keyset.reload.failures}, bound by Boot's metrics support. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class KeysetMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busKeysetMetrics")
		MeterBinder busKeysetMetrics(TopicKeysets keysets) {
			return (registry) -> FunctionCounter
				.builder("bus.security.keyset.reload.failures", keysets, TopicKeysets::failedReloads)
				.description("Keyset files that changed into something that is not a usable keyset; the last good "
						+ "keyset stayed in force")
				.register(registry);
		}

	}

	/**
	 * {@code busKeysets} in health: UP, and why a changed keyset file was refused, if it
	 * was.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class KeysetHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busKeysetsHealthIndicator")
		HealthIndicator busKeysetsHealthIndicator(TopicKeysets keysets) {
			return () -> {
				String problem = keysets.problem();
				return Health.up()
					.withDetail("keysets", (problem != null) ? problem : "in force")
					.withDetail("inForce", keysets.inForce().stream().map(Object::toString).toList())
					.withDetail("failedReloads", keysets.failedReloads())
					.build();
			};
		}

	}

	/** Routing never moves a message from an encrypted topic to one in clear. */
	@Bean
	@ConditionalOnMissingBean
	TopicProtection busTopicProtection(TopicKeysets keysets) {
		return keysets::encrypts;
	}

	@Bean
	@ConditionalOnMissingBean
	EncryptingPublishPostProcessor busEncryptingPublishPostProcessor(TopicKeysets keysets,
			ObjectProvider<BrokerAccess> brokerAccess) {
		return new EncryptingPublishPostProcessor(keysets, brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN));
	}

	@Bean
	@ConditionalOnMissingBean
	DecryptingReceivePostProcessor busDecryptingReceivePostProcessor(TopicKeysets keysets, BusProperties properties) {
		return new DecryptingReceivePostProcessor(keysets, properties.getSecurity().getEncryption().isAllowCleartext());
	}

}

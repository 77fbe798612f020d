package dev.bus.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import com.google.crypto.tink.Aead;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import dev.bus.core.TopicPattern;
import dev.bus.crypto.DecryptingReceivePostProcessor;
import dev.bus.crypto.EncryptingPublishPostProcessor;
import dev.bus.crypto.TopicKeysets;

/**
 * End-to-end payload encryption ({@code bus.security.encryption.topics[*]}), when Tink is on the classpath:
 * an element of each message chain, the publisher's encrypting last and the listeners' decrypting first. Every
 * keyset is loaded at start-up, so a missing or bad one fails it, naming the property and the file.
 */
@AutoConfiguration(before = { BusAutoConfiguration.class, BusListenerAutoConfiguration.class })
@ConditionalOnClass(Aead.class)
@ConditionalOnProperty("bus.security.encryption.topics[0].pattern")
@EnableConfigurationProperties(BusProperties.class)
public final class BusEncryptionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TopicKeysets busTopicKeysets(BusProperties properties, ResourceLoader resourceLoader) {
		List<TopicKeysets.Source> sources = new ArrayList<>();
		List<BusProperties.EncryptedTopics> topics = properties.getSecurity().getEncryption().getTopics();
		for (int i = 0; i < topics.size(); i++) {
			String property = "bus.security.encryption.topics[" + i + "]";
			BusProperties.EncryptedTopics entry = topics.get(i);
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
					property + ".keyset"));
		}
		return TopicKeysets.load(sources);
	}

	@Bean
	@ConditionalOnMissingBean
	EncryptingPublishPostProcessor busEncryptingPublishPostProcessor(TopicKeysets keysets) {
		return new EncryptingPublishPostProcessor(keysets);
	}

	@Bean
	@ConditionalOnMissingBean
	DecryptingReceivePostProcessor busDecryptingReceivePostProcessor(TopicKeysets keysets, BusProperties properties) {
		return new DecryptingReceivePostProcessor(keysets,
				properties.getSecurity().getEncryption().isAllowCleartext());
	}

}

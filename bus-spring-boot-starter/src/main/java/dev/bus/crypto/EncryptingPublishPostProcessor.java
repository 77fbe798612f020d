package dev.bus.crypto;

import java.security.GeneralSecurityException;

import org.springframework.core.Ordered;

import dev.bus.MessageRejectedException;
import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;

/**
 * Encrypts the payload of every message on an encrypted topic with the topic's keyset (AES-256-GCM through
 * Tink), bound to the topic and message id, and marks it with {@code bus-encryption}. It runs last in the publish
 * chain ({@link #ORDER}), so that the elements before it, and tracing, see the payload in clear; the headers stay
 * in clear for routing, broker-side filters and tracing.
 */
public class EncryptingPublishPostProcessor implements PublishPostProcessor, Ordered {

	/** Late in the publish chain: what is sent is what the other elements left. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final TopicKeysets keysets;

	public EncryptingPublishPostProcessor(TopicKeysets keysets) {
		this.keysets = keysets;
	}

	@Override
	public void postProcess(OutgoingMessage message) {
		TopicKeysets.TopicKeyset keyset = this.keysets.forTopic(message.topic());
		if (keyset == null) {
			return;
		}
		try {
			message.setBody(keyset.aead()
				.encrypt(message.body(), PayloadEncryption.associatedData(message.topic(), message.messageId())));
		}
		catch (GeneralSecurityException ex) {
			throw new MessageRejectedException("encryption-failed",
					"cannot encrypt for topic " + message.topic() + " (" + ex.getClass().getSimpleName() + ")");
		}
		message.headers().put(BusHeaders.ENCRYPTION, BusHeaders.ENCRYPTION_AEAD);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

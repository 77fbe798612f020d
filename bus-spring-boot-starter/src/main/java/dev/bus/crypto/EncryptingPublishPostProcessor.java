package dev.bus.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import org.springframework.core.Ordered;

import dev.bus.MessageRejectedException;
import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;
import dev.bus.transport.BrokerAccess;

/**
 * Encrypts the payload of every message on an encrypted topic with the topic's keyset
 * (AES-256-GCM through Tink), bound to the topic, the message id and, when the broker
 * authenticates this application as a known user ({@link BrokerAccess}), to that user,
 * which every listener takes from the broker-verified {@code user_id}; and marks it with
 * {@code bus-encryption}. Confidential headers ({@code bus-encrypted-headers}) are
 * encrypted too, each bound to its name as well. It runs last in the publish chain
 * ({@link #ORDER}), so that the elements before it, and tracing, see the payload in
 * clear; the headers stay in clear for routing, broker-side filters and tracing.
 */
public class EncryptingPublishPostProcessor implements PublishPostProcessor, Ordered {

	/** Late in the publish chain: what is sent is what the other elements left. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final TopicKeysets keysets;

	private final BrokerAccess brokerAccess;

	public EncryptingPublishPostProcessor(TopicKeysets keysets, BrokerAccess brokerAccess) {
		this.keysets = keysets;
		this.brokerAccess = brokerAccess;
	}

	@Override
	public void postProcess(OutgoingMessage message) {
		TopicKeysets.TopicKeyset keyset = this.keysets.forTopic(message.topic());
		if (keyset == null) {
			return;
		}
		// Unknown before the first connection (a token not yet fetched): that message is
		// bound to topic and id only.
		String publisher = this.brokerAccess.userId();
		byte[] associatedData = (publisher != null)
				? PayloadEncryption.associatedData(message.topic(), message.messageId(), publisher)
				: PayloadEncryption.associatedData(message.topic(), message.messageId());
		try {
			message.setBody(keyset.aead().encrypt(message.body(), associatedData));
			for (String name : PayloadEncryption.headerNames(message.headers().get(BusHeaders.ENCRYPTED_HEADERS))) {
				byte[] value = String.valueOf(message.headers().get(name)).getBytes(StandardCharsets.UTF_8);
				message.headers()
					.put(name,
							Base64.getEncoder()
								.encodeToString(keyset.aead()
									.encrypt(value, PayloadEncryption.headerAssociatedData(message.topic(),
											message.messageId(), publisher, name))));
			}
		}
		catch (GeneralSecurityException ex) {
			throw new MessageRejectedException("encryption-failed",
					"cannot encrypt for topic " + message.topic() + " (" + ex.getClass().getSimpleName() + ")");
		}
		message.headers()
			.put(BusHeaders.ENCRYPTION,
					(publisher != null) ? BusHeaders.ENCRYPTION_AEAD_PUBLISHER : BusHeaders.ENCRYPTION_AEAD);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

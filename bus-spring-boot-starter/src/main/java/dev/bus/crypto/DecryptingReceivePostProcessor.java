package dev.bus.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

import org.springframework.core.Ordered;

import dev.bus.IncomingMessage;
import dev.bus.MessageRejectedException;
import dev.bus.ReceivePostProcessor;
import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;

/**
 * Decrypts the payload of every message on an encrypted topic before anything reads it,
 * right after tracing ({@link #ORDER}), so that later elements, payload filters and the
 * listener method see it in clear. What does not decrypt is refused, and goes to the
 * dead-letter queue with its reason, never to user code: a message in clear (unless
 * {@code allowCleartext}, for migrating a topic), a ciphertext too short, one under a key
 * the keyset does not have ({@code unknown-key}), and one that fails authentication
 * ({@code decryption-failed}: tampered, truncated, or moved to another topic or message
 * id). Neither payload nor key reaches the reason. The {@code bus-encryption} header
 * stays: a retry or dead letter carries the ciphertext, and decrypts again. So do
 * confidential headers: their values are decrypted for the listener only
 * ({@link IncomingMessage#setHeader}).
 */
public class DecryptingReceivePostProcessor implements ReceivePostProcessor, Ordered {

	/** Right after tracing, before every other element. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 200;

	/** A Tink prefix, a 12-byte AES-GCM nonce and a 16-byte tag. */
	private static final int MIN_CIPHERTEXT = TopicKeysets.KEY_ID_PREFIX + 12 + 16;

	private final TopicKeysets keysets;

	private final boolean allowCleartext;

	/**
	 * @param allowCleartext accept messages in clear on encrypted topics (while
	 * publishers migrate)
	 */
	public DecryptingReceivePostProcessor(TopicKeysets keysets, boolean allowCleartext) {
		this.keysets = keysets;
		this.allowCleartext = allowCleartext;
	}

	@Override
	public void postProcess(IncomingMessage message) {
		TopicKeysets.TopicKeyset keyset = this.keysets.forTopic(message.topic());
		if (keyset == null) {
			return;
		}
		Object encryption = message.properties().getHeaders().get(BusHeaders.ENCRYPTION);
		if (encryption == null) {
			if (this.allowCleartext) {
				return;
			}
			throw rejected(FailureReason.CLEARTEXT_ON_ENCRYPTED_TOPIC,
					"topic " + message.topic() + " is encrypted and this message is in clear");
		}
		byte[] ciphertext = message.body();
		boolean publisherBound = BusHeaders.ENCRYPTION_AEAD_PUBLISHER.equals(encryption.toString());
		if ((!publisherBound && !BusHeaders.ENCRYPTION_AEAD.equals(encryption.toString()))
				|| ciphertext.length < MIN_CIPHERTEXT) {
			throw rejected(FailureReason.MALFORMED_CIPHERTEXT, "the payload is not a Tink AEAD ciphertext");
		}
		if (!keyset.hasKeyOf(ciphertext)) {
			throw rejected(FailureReason.UNKNOWN_KEY,
					"the payload was encrypted under a key the keyset of topic " + message.topic() + " does not have");
		}
		byte[] associatedData = PayloadEncryption.associatedData(message.topic(), message.messageId());
		String publisher = null;
		if (publisherBound) {
			publisher = message.brokerUser();
			if (publisher == null) {
				throw rejected(FailureReason.DECRYPTION_FAILED,
						"the payload is bound to its publisher and the message has no user_id");
			}
			associatedData = PayloadEncryption.associatedData(message.topic(), message.messageId(), publisher);
		}
		try {
			message.setBody(keyset.aead().decrypt(ciphertext, associatedData));
		}
		catch (GeneralSecurityException ex) {
			throw rejected(FailureReason.DECRYPTION_FAILED,
					"the payload does not authenticate for topic " + message.topic()
							+ ", its message id and publisher: tampered, truncated, moved or sent again "
							+ "by someone else");
		}
		decryptHeaders(message, keyset, publisher);
	}

	/**
	 * Confidential headers, for the listener only: retries and dead letters keep them
	 * encrypted.
	 */
	private static void decryptHeaders(IncomingMessage message, TopicKeysets.TopicKeyset keyset, String publisher) {
		Map<String, Object> headers = message.properties().getHeaders();
		for (String name : PayloadEncryption.headerNames(headers.get(BusHeaders.ENCRYPTED_HEADERS))) {
			Object value = headers.get(name);
			try {
				byte[] plaintext = keyset.aead()
					.decrypt(Base64.getDecoder().decode(String.valueOf(value)), PayloadEncryption
						.headerAssociatedData(message.topic(), message.messageId(), publisher, name));
				message.setHeader(name, new String(plaintext, StandardCharsets.UTF_8));
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				throw rejected(FailureReason.DECRYPTION_FAILED,
						"confidential header '" + name + "' does not authenticate for this message");
			}
		}
	}

	private static MessageRejectedException rejected(FailureReason reason, String detail) {
		return new MessageRejectedException(reason.code(), detail);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

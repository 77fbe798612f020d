package dev.bus.crypto;

import java.nio.charset.StandardCharsets;

/**
 * What binds a ciphertext to its message: the associated data of the AEAD. A ciphertext moved to another topic
 * or presented under another message id does not decrypt.
 */
final class PayloadEncryption {

	private PayloadEncryption() {
	}

	/** {@code bus/v1}, the topic and the message id, separated by a byte no topic or id contains. */
	static byte[] associatedData(String topic, String messageId) {
		return ("bus/v1\u0000" + topic + "\u0000" + ((messageId != null) ? messageId : ""))
			.getBytes(StandardCharsets.UTF_8);
	}

}

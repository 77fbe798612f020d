package dev.bus.crypto;

import java.nio.charset.StandardCharsets;

/**
 * What binds a ciphertext to its message: the associated data of the AEAD. A ciphertext
 * moved to another topic, presented under another message id, or (when the publisher is
 * known) sent again by another broker user does not decrypt.
 */
final class PayloadEncryption {

	private PayloadEncryption() {
	}

	/**
	 * {@code bus/v1}, the topic and the message id, separated by a byte no topic or id
	 * contains.
	 */
	static byte[] associatedData(String topic, String messageId) {
		return ("bus/v1\u0000" + topic + "\u0000" + ((messageId != null) ? messageId : ""))
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * For a confidential header's value: {@code bus/header}, the topic, the message id,
	 * the publisher (empty when the payload is not bound to one) and the header's name,
	 * so a value cannot move to another header or message.
	 */
	static byte[] headerAssociatedData(String topic, String messageId, String publisher, String name) {
		return ("bus/header\u0000" + topic + "\u0000" + ((messageId != null) ? messageId : "") + "\u0000"
				+ ((publisher != null) ? publisher : "") + "\u0000" + name)
			.getBytes(StandardCharsets.UTF_8);
	}

	/** The names listed in a {@code bus-encrypted-headers} value. */
	static String[] headerNames(Object listed) {
		return (listed != null) ? listed.toString().split(",") : new String[0];
	}

	/**
	 * {@code bus/v2}, the topic, the message id and the broker-verified publisher
	 * ({@code user_id}).
	 */
	static byte[] associatedData(String topic, String messageId, String publisher) {
		return ("bus/v2\u0000" + topic + "\u0000" + ((messageId != null) ? messageId : "") + "\u0000" + publisher)
			.getBytes(StandardCharsets.UTF_8);
	}

}

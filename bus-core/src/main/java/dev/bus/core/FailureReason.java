package dev.bus.core;

/**
 * Why a message went to a dead-letter queue; written to the
 * {@link BusHeaders#FAILURE_REASON} header.
 */
public enum FailureReason {

	/** The body is empty. */
	EMPTY_BODY,
	/** The body is larger than the listener's size limit. */
	OVERSIZE,
	/**
	 * The content type is neither JSON nor something the listener's parameter accepts.
	 */
	UNSUPPORTED_CONTENT_TYPE,
	/** The body is not valid JSON. */
	MALFORMED_PAYLOAD,
	/** The body is valid JSON that does not fit the listener's parameter type. */
	PAYLOAD_TYPE_MISMATCH,
	/** A batch message whose framing is corrupt. */
	MALFORMED_BATCH,
	/** The listener's filter expression failed to evaluate. */
	FILTER_ERROR,
	/** The listener method threw. */
	HANDLER_FAILED,
	/** A message in clear on a topic whose payloads must be encrypted. */
	CLEARTEXT_ON_ENCRYPTED_TOPIC,
	/**
	 * An encrypted payload too short to hold a Tink key id and an AES-GCM nonce and tag.
	 */
	MALFORMED_CIPHERTEXT,
	/** An encrypted payload under a key id the topic's keyset does not have. */
	UNKNOWN_KEY,
	/**
	 * An encrypted payload that does not decrypt: tampered, truncated, or moved to
	 * another topic or id.
	 */
	DECRYPTION_FAILED,
	/**
	 * A message on a topic that requires a per-message token with none, or one that does
	 * not verify: bad signature, another issuer or audience, not valid when the message
	 * was sent, or a subject that is not the broker-verified publisher.
	 */
	UNAUTHENTICATED,
	/**
	 * A verified publisher that may not send this message: no scope for the topic, or not
	 * a sender the listener accepts.
	 */
	FORBIDDEN,
	/** A receive post-processor threw something other than a rejection. */
	POST_PROCESSOR_FAILED,
	/** The failed message could not be moved to its delay or dead-letter queue. */
	DEAD_LETTER_FAILED;

	/** The header value: lower-case with dashes, e.g. {@code malformed-payload}. */
	public String code() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}

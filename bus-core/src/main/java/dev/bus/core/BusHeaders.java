package dev.bus.core;

/**
 * Names of the AMQP headers that make up the Bus envelope.
 *
 * <p>
 * CloudEvents 1.0 attributes travel in the AMQP properties with their meaning
 * ({@link CloudEventsHeaders} says which, and writes them as headers too when asked);
 * trace context uses the W3C names; everything Bus-specific is prefixed {@code bus-}.
 * None of these headers is required on input: a plain AMQP message with none of them is a
 * valid Bus message.
 */
public final class BusHeaders {

	/**
	 * CloudEvents {@code subject}, which no AMQP property holds (written only when the
	 * publisher sets one).
	 */
	public static final String SUBJECT = "bus-subject";

	/** W3C trace context. */
	public static final String TRACEPARENT = "traceparent";

	public static final String TRACESTATE = "tracestate";

	/** Key whose messages must be handled in publish order by ordered listeners. */
	public static final String PARTITION_KEY = "bus-partition-key";

	/**
	 * Delivery attempt, starting at 1; maintained by Bus, independent of the broker's
	 * {@code x-death}.
	 */
	public static final String ATTEMPT = "bus-attempt";

	/** Bearer token authorising the publisher (JWT). */
	public static final String AUTHORIZATION = "bus-authorization";

	/**
	 * Proof that the holder of the key {@link #AUTHORIZATION}'s token is bound to (its
	 * {@code cnf.jkt}) sent this message: a JWS ({@code typ} {@code bus-proof+jwt}) over
	 * the root of a {@link ProofTree} of the messages it proves, the token's hash
	 * ({@code ath}) and when it was made ({@code iat}).
	 */
	public static final String PROOF = "bus-proof";

	/**
	 * The message's inclusion path in the tree its {@link #PROOF} signs
	 * ({@link ProofTree}).
	 */
	public static final String PROOF_PATH = "bus-proof-path";

	/**
	 * How the payload is encrypted ({@value #ENCRYPTION_AEAD}); absent in clear. The key
	 * id travels inside the ciphertext, as Tink writes it.
	 */
	public static final String ENCRYPTION = "bus-encryption";

	/**
	 * The {@link #ENCRYPTION} value of a payload sealed by a Tink AEAD keyset
	 * (AES-256-GCM), bound to its topic and message id.
	 */
	public static final String ENCRYPTION_AEAD = "tink-aead";

	/**
	 * The {@link #ENCRYPTION} value of a payload sealed like {@link #ENCRYPTION_AEAD} and
	 * also bound to the publisher the broker verified ({@code user_id}).
	 */
	public static final String ENCRYPTION_AEAD_PUBLISHER = "tink-aead-publisher";

	/**
	 * Names (comma-separated) of the headers whose values travel encrypted with the
	 * payload's keyset, each as Base64 of its ciphertext; listeners see them in clear.
	 */
	public static final String ENCRYPTED_HEADERS = "bus-encrypted-headers";

	/**
	 * On a routed message: the routing rule that sent it,
	 * {@code <rule set>@<version>/<rule>}.
	 */
	public static final String ROUTED_BY = "bus-routed-by";

	/** On a message a routing rule holds: the topic it is released to. */
	public static final String HELD_TOPIC = "bus-held-topic";

	/**
	 * On a reply: the class name of what the responding listener threw; absent on a
	 * successful reply.
	 */
	public static final String REPLY_ERROR = "bus-reply-error";

	/** On an error reply: the exception's message, cut to a bounded length. */
	public static final String REPLY_ERROR_MESSAGE = "bus-reply-error-message";

	/** Number of logical messages packed into a batch message. */
	public static final String BATCH_SIZE = "bus-batch-size";

	/**
	 * Why a message was dead-lettered: a {@code FailureReason} code, or the reason a
	 * receive post-processor gave.
	 */
	public static final String FAILURE_REASON = "bus-failure-reason";

	/** Class name of the exception that dead-lettered the message, if any. */
	public static final String FAILURE_EXCEPTION = "bus-failure-exception";

	/** Exception message, cut to a bounded size so it can never exceed a frame. */
	public static final String FAILURE_MESSAGE = "bus-failure-message";

	/**
	 * On a message an application moved on (a retry, a dead letter, a replay): the topic
	 * it was published to, as the application verified it. Believed only on the
	 * application's own moves, never from another sender.
	 */
	public static final String ORIGINAL_TOPIC = "bus-original-topic";

	/**
	 * On a message an application moved on: the broker-verified {@code user_id} it was
	 * first published with (the broker only accepts a {@code user_id} equal to the
	 * sender, so the mover sends it as itself). Believed only on the application's own
	 * moves, never from another sender.
	 */
	public static final String ORIGINAL_USER_ID = "bus-original-user-id";

	/**
	 * On a dead letter an application moved: why its delivery was not trusted (it came
	 * neither from the bus exchange nor from the application's own moves). Such a message
	 * is never replayed.
	 */
	public static final String UNVERIFIED_ORIGIN = "bus-unverified-origin";

	/** Queue the message was consumed from when it failed. */
	public static final String ORIGINAL_QUEUE = "bus-original-queue";

	/** ISO-8601 instant of the first failure. */
	public static final String FIRST_FAILURE_TIME = "bus-first-failure-time";

	/** ISO-8601 instant of the last failure. */
	public static final String LAST_FAILURE_TIME = "bus-last-failure-time";

	private BusHeaders() {
	}

}

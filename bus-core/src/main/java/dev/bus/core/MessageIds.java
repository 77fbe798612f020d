package dev.bus.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids: time-ordered UUIDs (version 7, RFC 9562). The first 48 bits are the Unix
 * time in milliseconds, so ids sort by creation time and land at the end of an inbox
 * table's index instead of at random pages. The last 62 bits are a per-process random
 * start plus a counter, which makes ids unique within a process by construction and
 * across processes with the odds of a 62-bit random collision in the same millisecond.
 *
 * <p>
 * {@link UUID#randomUUID()} draws 16 bytes from the shared {@code SecureRandom} on every
 * call; at tens of thousands of messages a second that was a visible share of the
 * publishing thread, and message ids need to be unique, not unpredictable.
 */
public final class MessageIds {

	private static final long VERSION_7 = 0x7000L;

	private static final long VARIANT_RFC_9562 = 0x8000_0000_0000_0000L;

	private static final long LOW_62_BITS = 0x3FFF_FFFF_FFFF_FFFFL;

	/**
	 * The namespace of {@link #fromContent} ids: other languages derive the same id with
	 * it.
	 */
	public static final UUID CONTENT_NAMESPACE = UUID.fromString("f61449f6-c74c-42df-95f1-e2c192c8b9bf");

	private static final byte[] CONTENT_NAMESPACE_BYTES = ByteBuffer.allocate(16)
		.putLong(CONTENT_NAMESPACE.getMostSignificantBits())
		.putLong(CONTENT_NAMESPACE.getLeastSignificantBits())
		.array();

	private static final AtomicLong sequence = new AtomicLong(new SecureRandom().nextLong());

	private MessageIds() {
	}

	/** A new id in the canonical 36-character UUID text form. */
	public static String next() {
		return next(System.currentTimeMillis()).toString();
	}

	/**
	 * The id of a message that arrived without one (an MQTT device's publish, a plain
	 * AMQP publisher that sets no {@code message_id}): a name-based UUID (version 5, RFC
	 * 9562) in {@link #CONTENT_NAMESPACE} of its topic, a zero byte and its body, so a
	 * redelivery or a device's resend of the same message gets the same id and the inbox
	 * skips it. Two messages with the same topic and the same body get the same id too:
	 * senders that repeat a body on purpose put a sequence number or a time in it.
	 */
	public static String fromContent(String topic, byte[] body) {
		MessageDigest sha1;
		try {
			// what version 5 is defined with, not a security measure
			sha1 = MessageDigest.getInstance("SHA-1");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-1", ex);
		}
		sha1.update(CONTENT_NAMESPACE_BYTES);
		sha1.update(topic.getBytes(StandardCharsets.UTF_8));
		// a topic cannot contain it: "a" + "bc" and "ab" + "c" differ
		sha1.update((byte) 0);
		byte[] hash = sha1.digest(body);
		long mostSignificant = 0;
		long leastSignificant = 0;
		for (int i = 0; i < 8; i++) {
			mostSignificant = (mostSignificant << 8) | (hash[i] & 0xFF);
			leastSignificant = (leastSignificant << 8) | (hash[i + 8] & 0xFF);
		}
		mostSignificant = (mostSignificant & ~0xF000L) | 0x5000L;
		leastSignificant = (leastSignificant & LOW_62_BITS) | VARIANT_RFC_9562;
		return new UUID(mostSignificant, leastSignificant).toString();
	}

	static UUID next(long epochMillis) {
		long mostSignificant = (epochMillis << 16) | VERSION_7 | ThreadLocalRandom.current().nextInt(1 << 12);
		long leastSignificant = VARIANT_RFC_9562 | (sequence.getAndIncrement() & LOW_62_BITS);
		return new UUID(mostSignificant, leastSignificant);
	}

}

package dev.bus.core;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids: time-ordered UUIDs (version 7, RFC 9562). The first 48 bits are the Unix time in milliseconds, so
 * ids sort by creation time and land at the end of an inbox table's index instead of at random pages. The last
 * 62 bits are a per-process random start plus a counter, which makes ids unique within a process by construction
 * and across processes with the odds of a 62-bit random collision in the same millisecond.
 *
 * <p>{@link UUID#randomUUID()} draws 16 bytes from the shared {@code SecureRandom} on every call; at tens of
 * thousands of messages a second that was a visible share of the publishing thread, and message ids need to be
 * unique, not unpredictable.
 */
public final class MessageIds {

	private static final long VERSION_7 = 0x7000L;

	private static final long VARIANT_RFC_9562 = 0x8000_0000_0000_0000L;

	private static final long LOW_62_BITS = 0x3FFF_FFFF_FFFF_FFFFL;

	private static final AtomicLong sequence = new AtomicLong(new SecureRandom().nextLong());

	private MessageIds() {
	}

	/** A new id in the canonical 36-character UUID text form. */
	public static String next() {
		return next(System.currentTimeMillis()).toString();
	}

	static UUID next(long epochMillis) {
		long mostSignificant = (epochMillis << 16) | VERSION_7 | ThreadLocalRandom.current().nextInt(1 << 12);
		long leastSignificant = VARIANT_RFC_9562 | (sequence.getAndIncrement() & LOW_62_BITS);
		return new UUID(mostSignificant, leastSignificant);
	}

}

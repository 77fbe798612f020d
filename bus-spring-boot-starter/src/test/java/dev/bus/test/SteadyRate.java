package dev.bus.test;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a load test's sends at a fixed rate, as a steady producer would send them: send
 * {@code n} is due {@code n / rate} seconds after the start. Pacing, not waiting for a
 * condition: the load itself is the test's subject (a token expiring, a key rotating
 * under it).
 */
public final class SteadyRate {

	private final long startNanos = System.nanoTime();

	private final long nanosPerSend;

	public SteadyRate(int perSecond) {
		this.nanosPerSend = 1_000_000_000L / perSecond;
	}

	/** Returns when send {@code index} is due. */
	public void awaitSlot(long index) {
		long due = this.startNanos + index * this.nanosPerSend;
		long now;
		while ((now = System.nanoTime()) < due) {
			LockSupport.parkNanos(due - now);
		}
	}

}

package dev.bus.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a run's consumer records: one latency per message in a slot of its own (no
 * allocation per message, since the consumer's cost is part of what is measured), and
 * when the last message arrived. Every contender's consumer records through one of these.
 */
final class Latencies {

	private final long[] nanos;

	private final AtomicInteger received = new AtomicInteger();

	private final AtomicLong end = new AtomicLong();

	private final CountDownLatch done = new CountDownLatch(1);

	Latencies(int messages) {
		this.nanos = new long[messages];
	}

	/** Records one message's latency; the last expected message ends the run. */
	void record(long latencyNanos) {
		int index = this.received.getAndIncrement();
		if (index < this.nanos.length) {
			this.nanos[index] = latencyNanos;
		}
		if (index == this.nanos.length - 1) {
			this.end.set(System.nanoTime());
			this.done.countDown();
		}
	}

	/**
	 * Waits for the last message.
	 * @throws IllegalStateException naming {@code what} and how many came, when they did
	 * not all come in time
	 */
	void await(long timeout, TimeUnit unit, String what) throws InterruptedException {
		if (!this.done.await(timeout, unit)) {
			throw new IllegalStateException(what + " got " + this.received.get() + " of " + this.nanos.length);
		}
	}

	/** The run's measurement, from {@code start} to the last message. */
	Measurement measurement(long start, CpuClock cpu) {
		return Measurement.of(this.nanos.length, start, this.end.get(), this.nanos, cpu);
	}

}

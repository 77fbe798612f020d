package dev.bus.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the harness has seen of one kind (publishes, deliveries), in order, and the wait
 * for what a test expects: woken by each new record, never by polling.
 */
final class Recordings<E> {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition added = this.lock.newCondition();

	private final List<E> records = new ArrayList<>();

	void add(E record) {
		this.lock.lock();
		try {
			this.records.add(record);
			this.added.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	List<E> snapshot() {
		this.lock.lock();
		try {
			return List.copyOf(this.records);
		}
		finally {
			this.lock.unlock();
		}
	}

	void clear() {
		this.lock.lock();
		try {
			this.records.clear();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The first {@code count} records that match, once there are that many.
	 * @param expectation what was awaited, for the failure's message
	 * @param describe what was seen instead, for the failure's message
	 * @throws AssertionError when fewer than {@code count} match within the timeout
	 */
	List<E> await(Predicate<E> matching, int count, Duration timeout, Supplier<String> expectation,
			Function<List<E>, String> describe) {
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1, was " + count);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		this.lock.lock();
		try {
			while (true) {
				List<E> matched = this.records.stream().filter(matching).limit(count).toList();
				if (matched.size() == count) {
					return matched;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(expectation.get() + " within " + timeout.toMillis() + " ms, saw "
							+ matched.size() + ". " + describe.apply(List.copyOf(this.records)));
				}
				this.added.await(left, TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting: " + expectation.get(), ex);
		}
		finally {
			this.lock.unlock();
		}
	}

}

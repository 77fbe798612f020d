package dev.bus.sidecar.consul;

import java.time.Duration;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.client.RestClientException;

/**
 * The loop every Consul watch of the sidecar runs: a blocking query from the last index
 * (Consul answers when the index moves, or after the query's wait), its answer handed on;
 * after a failure the index starts over and the next query waits a delay that doubles up
 * to a bound (Spring's {@link ExponentialBackOff}), cut short by {@link #stop()}. An
 * index that goes backwards (Consul restarted, a snapshot restored) starts over too.
 */
public final class BlockingQueryLoop {

	private final ExponentialBackOff backOff;

	private final Object pauses = new Object();

	private volatile boolean running = true;

	/**
	 * @param minBackoff the first delay after a failure
	 * @param maxBackoff the longest delay
	 */
	public BlockingQueryLoop(Duration minBackoff, Duration maxBackoff) {
		this.backOff = new ExponentialBackOff(minBackoff.toMillis(), 2.0);
		this.backOff.setMaxInterval(maxBackoff.toMillis());
	}

	/**
	 * One blocking query from {@code index}; the answer is handed on before it returns
	 * Consul's new index.
	 */
	@FunctionalInterface
	public interface Query {

		long ask(long index);

	}

	/** What a watch does with a failed query. */
	@FunctionalInterface
	public interface Failures {

		/**
		 * @param failure the query's failure
		 * @param backoff the delay the loop would wait, which grows with each failure in
		 * a row
		 * @return the delay to wait: {@code backoff}, or another (a refused query is
		 * retried at a fixed interval)
		 */
		Duration failed(RestClientException failure, Duration backoff);

	}

	/** Runs queries until {@link #stop()} (or the thread is interrupted). */
	public void run(Query query, Failures failures) {
		long index = 0;
		BackOffExecution backoff = this.backOff.start();
		Duration next = Duration.ofMillis(backoff.nextBackOff());
		boolean failing = false;
		while (this.running) {
			try {
				long answered = query.ask(index);
				index = (answered < index) ? 0 : answered;
				if (failing) {
					backoff = this.backOff.start();
					next = Duration.ofMillis(backoff.nextBackOff());
					failing = false;
				}
			}
			catch (RestClientException ex) {
				if (!this.running) {
					return;
				}
				failing = true;
				index = 0;
				Duration delay = failures.failed(ex, next);
				if (delay.equals(next)) {
					next = Duration.ofMillis(backoff.nextBackOff());
				}
				pause(delay);
			}
		}
	}

	/** Ends the loop: a query in flight finishes, a pause ends at once. */
	public void stop() {
		this.running = false;
		synchronized (this.pauses) {
			this.pauses.notifyAll();
		}
	}

	public boolean isRunning() {
		return this.running;
	}

	private void pause(Duration delay) {
		long deadline = System.nanoTime() + delay.toNanos();
		synchronized (this.pauses) {
			try {
				long left;
				while (this.running && (left = deadline - System.nanoTime()) > 0) {
					this.pauses.wait(Math.max(1, left / 1_000_000));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running = false;
			}
		}
	}

}

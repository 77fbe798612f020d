package dev.bus.sidecar.consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watches' loop with a scripted Consul: indexes carried from answer to query, started
 * over after a failure or when Consul's index goes backwards; delays that double up to
 * the bound and start over after a success; a delay the watch chooses itself (a refusal)
 * that leaves the doubling alone; and a stop that ends a long pause at once.
 */
class BlockingQueryLoopTest {

	@Test
	void indexesCarryOverAndStartOverAfterAFailureOrAnIndexGoingBack() {
		BlockingQueryLoop loop = new BlockingQueryLoop(Duration.ofMillis(1), Duration.ofMillis(1));
		List<Long> asked = new ArrayList<>();
		long[] answers = { 5, 9, -1, 4, 2, 7 };
		loop.run((index) -> {
			asked.add(index);
			long answer = answers[asked.size() - 1];
			if (asked.size() == answers.length) {
				loop.stop();
			}
			if (answer < 0) {
				throw new ResourceAccessException("Consul is down");
			}
			return answer;
		}, (failure, backoff) -> backoff);
		assertThat(asked).as("9 then a failure: from 0; 4 then 2 (Consul restarted): from 0")
			.containsExactly(0L, 5L, 9L, 0L, 4L, 0L);
	}

	@Test
	void delaysDoubleUpToTheBoundAndStartOverAfterASuccess() {
		BlockingQueryLoop loop = new BlockingQueryLoop(Duration.ofMillis(1), Duration.ofMillis(4));
		List<Duration> delays = new ArrayList<>();
		int[] calls = { 0 };
		loop.run((index) -> {
			calls[0]++;
			if (calls[0] == 6) {
				return 1; // a success after five failures
			}
			if (calls[0] == 8) {
				loop.stop();
			}
			throw new ResourceAccessException("Consul is down");
		}, (failure, backoff) -> {
			delays.add(backoff);
			return backoff;
		});
		assertThat(delays).extracting(Duration::toMillis).containsExactly(1L, 2L, 4L, 4L, 4L, 1L);
	}

	@Test
	void aDelayTheWatchChoosesLeavesTheDoublingAlone() {
		BlockingQueryLoop loop = new BlockingQueryLoop(Duration.ofMillis(1), Duration.ofMillis(8));
		List<Duration> offered = new ArrayList<>();
		int[] calls = { 0 };
		loop.run((index) -> {
			if (++calls[0] == 6) { // a failure once stopped is not offered
				loop.stop();
			}
			throw new ResourceAccessException("refused");
		}, (failure, backoff) -> {
			offered.add(backoff);
			return (offered.size() % 2 == 1) ? Duration.ofMillis(3) : backoff;
		});
		assertThat(offered).extracting(Duration::toMillis).containsExactly(1L, 1L, 2L, 2L, 4L);
	}

	@Test
	void stopEndsALongPauseAtOnce() throws Exception {
		BlockingQueryLoop loop = new BlockingQueryLoop(Duration.ofHours(1), Duration.ofHours(1));
		CountDownLatch failed = new CountDownLatch(1);
		CompletableFuture<Void> running = CompletableFuture.runAsync(() -> loop.run((index) -> {
			throw new ResourceAccessException("Consul is down");
		}, (failure, backoff) -> {
			failed.countDown();
			return backoff;
		}));
		assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
		loop.stop();
		running.get(10, TimeUnit.SECONDS);
		assertThat(loop.isRunning()).isFalse();
	}

}

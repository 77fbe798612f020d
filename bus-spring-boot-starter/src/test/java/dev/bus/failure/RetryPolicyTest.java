package dev.bus.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryPolicyTest {

	@Test
	void exponentialBackoffIsCappedAndGivesOneLevelPerDistinctDelay() {
		RetryPolicy policy = RetryPolicy.exponential(6, Duration.ofSeconds(1), 3.0, Duration.ofSeconds(20), List.of(),
				List.of());
		assertThat(policy.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(9),
				Duration.ofSeconds(20), Duration.ofSeconds(20));
		assertThat(policy.levels()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(9),
				Duration.ofSeconds(20));
		assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.delayAfter(5)).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void retriesUntilTheLastAttempt() {
		RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1), List.of(),
				List.of());
		RuntimeException error = new IllegalStateException();
		assertThat(policy.shouldRetry(1, error)).isTrue();
		assertThat(policy.shouldRetry(2, error)).isTrue();
		assertThat(policy.shouldRetry(3, error)).isFalse();
		assertThat(RetryPolicy.NONE.shouldRetry(1, error)).isFalse();
	}

	@Test
	void classifiesExceptionsByTypeAndCause() {
		RetryPolicy onlyIo = RetryPolicy.exponential(3, Duration.ofMillis(10), 2, Duration.ofSeconds(1),
				List.of(IOException.class), List.of(IllegalArgumentException.class));
		assertThat(onlyIo.shouldRetry(1, new UncheckedIOException(new IOException("down")))).as("cause matches")
			.isTrue();
		assertThat(onlyIo.shouldRetry(1, new IllegalStateException())).as("not listed").isFalse();
		assertThat(onlyIo.shouldRetry(1, new NumberFormatException())).as("subclass of a not-retryable").isFalse();
	}

	@Test
	void rejectsNonsense() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> RetryPolicy.exponential(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(1), List.of(), List.of()))
			.withMessageContaining("max attempts");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.exponential(2, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), List.of(),
					List.of()))
			.withMessageContaining("multiplier");
	}

}

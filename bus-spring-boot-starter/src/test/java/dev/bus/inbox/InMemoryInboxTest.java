package dev.bus.inbox;

import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class InMemoryInboxTest {

	private Instant now = Instant.parse("2026-11-21T10:00:00Z");

	private final Clock clock = new Clock() {

		@Override
		public Instant instant() {
			return InMemoryInboxTest.this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	};

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void skipsWhatWasProcessedPerConsumer() throws Exception {
		InMemoryInbox inbox = new InMemoryInbox(10, Duration.ofHours(1), this.clock);
		assertThat(inbox.process("a", "m-1", this.calls::incrementAndGet)).isTrue();
		assertThat(inbox.process("a", "m-1", this.calls::incrementAndGet)).isFalse();
		assertThat(inbox.process("b", "m-1", this.calls::incrementAndGet)).as("another consumer").isTrue();
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void aFailedHandlerIsNotRecorded() throws Exception {
		InMemoryInbox inbox = new InMemoryInbox(10, Duration.ofHours(1), this.clock);
		assertThatExceptionOfType(InvocationTargetException.class).isThrownBy(() -> inbox.process("a", "m-1", () -> {
			throw new InvocationTargetException(new IllegalStateException());
		}));
		assertThat(inbox.process("a", "m-1", this.calls::incrementAndGet)).isTrue();
	}

	@Test
	void forgetsTheOldestBeyondTheWindowAndAfterTheRetention() throws Exception {
		InMemoryInbox inbox = new InMemoryInbox(2, Duration.ofMinutes(10), this.clock);
		inbox.process("a", "m-1", this.calls::incrementAndGet);
		inbox.process("a", "m-2", this.calls::incrementAndGet);
		inbox.process("a", "m-3", this.calls::incrementAndGet);
		assertThat(inbox.size()).isEqualTo(2);
		assertThat(inbox.process("a", "m-1", this.calls::incrementAndGet)).as("evicted by size").isTrue();
		this.now = this.now.plus(Duration.ofMinutes(11));
		assertThat(inbox.process("a", "m-3", this.calls::incrementAndGet)).as("expired").isTrue();
		assertThat(inbox.size()).isEqualTo(1);
	}

}

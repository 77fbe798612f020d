package dev.bus.publisher;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeFormatTest {

	private static final DateTimeFormatter JDK = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final EventTimeFormat format = new EventTimeFormat();

	@Test
	void formatsRfc3339InUtcWithMilliseconds() {
		assertThat(this.format.format(Instant.parse("2026-11-21T22:50:01.123456789Z")))
			.isEqualTo("2026-11-21T22:50:01.123Z");
		assertThat(this.format.format(Instant.parse("2026-11-21T22:50:00Z"))).isEqualTo("2026-11-21T22:50:00.000Z");
		assertThat(this.format.format(Instant.parse("1999-12-31T23:59:59.009Z"))).isEqualTo("1999-12-31T23:59:59.009Z");
	}

	@Test
	void matchesTheJdkAcrossSecondBoundaries() {
		Instant start = Instant.parse("2026-02-28T23:59:58.990Z");
		for (int i = 0; i < 5_000; i += 7) {
			Instant instant = start.plusMillis(i);
			String text = this.format.format(instant);
			assertThat(text).isEqualTo(JDK.format(instant));
			assertThat(OffsetDateTime.parse(text).toInstant()).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
		}
	}

}

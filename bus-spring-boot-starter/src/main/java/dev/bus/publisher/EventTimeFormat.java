package dev.bus.publisher;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats the CloudEvents {@code time} header: RFC 3339 in UTC with milliseconds
 * ({@code 2026-11-21T22:50:01.123Z}). The date and time of day are formatted once per
 * second and reused, since {@link DateTimeFormatter} costs about a microsecond per call,
 * on every publish that carries the header.
 */
final class EventTimeFormat {

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
		.withZone(ZoneOffset.UTC);

	private volatile Second current = new Second(Long.MIN_VALUE, "");

	String format(Instant instant) {
		Second second = this.current;
		if (second.epochSecond != instant.getEpochSecond()) {
			second = new Second(instant.getEpochSecond(), SECONDS.format(instant));
			this.current = second;
		}
		int millis = instant.getNano() / 1_000_000;
		return new StringBuilder(second.text.length() + 5).append(second.text)
			.append('.')
			.append((char) ('0' + millis / 100))
			.append((char) ('0' + millis / 10 % 10))
			.append((char) ('0' + millis % 10))
			.append('Z')
			.toString();
	}

	private record Second(long epochSecond, String text) {
	}

}

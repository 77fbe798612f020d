package dev.bus.core;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * CloudEvents 1.0 attributes as AMQP headers (binary content mode), for consumers that
 * read CloudEvents from headers. Bus's own envelope carries each attribute once, in the
 * AMQP property with its meaning ({@code id} in {@code message_id}, {@code type} in
 * {@code type}, {@code source} in {@code app_id}, {@code time} in {@code timestamp},
 * {@code datacontenttype} in {@code content_type}); the headers are written only on
 * request, and read when a message carries no such property.
 *
 * <p>
 * No prefix is standard across readers, so all four in use are read: {@code ce-} (the
 * CloudEvents SDK's Spring messaging converter,
 * {@code io.cloudevents.spring.messaging.CloudEventMessageConverter}), {@code ce_} (the
 * Kafka protocol binding, Spring Cloud Function's default, and Bus before its envelope
 * went compact), {@code cloudEvents_} and {@code cloudEvents:} (the AMQP protocol
 * binding; Spring Cloud Function's AMQP prefix).
 */
public final class CloudEventsHeaders {

	/** The CloudEvents version Bus writes. */
	public static final String SPEC_VERSION = "1.0";

	/** The prefixes read, in this order. */
	public static final List<String> PREFIXES = List.of("ce-", "ce_", "cloudEvents_", "cloudEvents:");

	public static final String ID = "id";

	public static final String SOURCE = "source";

	public static final String TYPE = "type";

	public static final String TIME = "time";

	public static final String SUBJECT = "subject";

	static final String SPEC_VERSION_ATTRIBUTE = "specversion";

	private CloudEventsHeaders() {
	}

	/** An attribute under any of the {@link #PREFIXES}, or {@code null}. */
	public static String read(Map<String, ?> headers, String attribute) {
		if (headers == null || headers.isEmpty()) {
			return null;
		}
		for (String prefix : PREFIXES) {
			Object value = headers.get(prefix + attribute);
			if (value != null) {
				return value.toString();
			}
		}
		return null;
	}

	/**
	 * When the event happened: the CloudEvents {@code time} header when there is a valid
	 * one (it has milliseconds), else the AMQP {@code timestamp} (seconds), else
	 * {@code null}.
	 */
	public static Instant eventTime(Map<String, ?> headers, Date timestamp) {
		String time = read(headers, TIME);
		if (time != null) {
			try {
				return Instant.parse(time);
			}
			catch (DateTimeParseException ex) {
				// not a time: the AMQP timestamp says it
			}
		}
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/**
	 * Writes the required attributes, {@code time} and, when not {@code null},
	 * {@code subject}, under {@code prefix}.
	 * @param prefix one of the {@link #PREFIXES}
	 */
	public static void write(Map<String, Object> headers, String prefix, String id, String source, String type,
			String time, String subject) {
		headers.put(prefix + SPEC_VERSION_ATTRIBUTE, SPEC_VERSION);
		headers.put(prefix + ID, id);
		headers.put(prefix + SOURCE, source);
		headers.put(prefix + TYPE, type);
		headers.put(prefix + TIME, time);
		if (subject != null) {
			headers.put(prefix + SUBJECT, subject);
		}
	}

}

package dev.bus.core.operations;

import java.util.Map;

/**
 * A dead letter as an operator sees it: one entry of the listing the app's {@code bus}
 * endpoint gives ({@code GET /actuator/bus/{listenerId}/dead-letters}), which the console
 * reads.
 *
 * @param messageId its id
 * @param topic the topic it was published to, as verified
 * @param publisher the broker user that published it, as verified
 * @param replayable whether a replay would move it back to the listener
 * @param refusal why a replay would refuse it; {@code null} when it would not
 * @param type its logical type ({@code type}), or {@code null}
 * @param reason why Bus dead-lettered it ({@code handler-failed},
 * {@code malformed-payload}, {@code access-denied}...), or {@code null} when the broker
 * did (a delivery limit)
 * @param exception the class of what the listener threw, or {@code null}
 * @param exceptionMessage its message, as Bus bounded it, or {@code null}
 * @param attempts the delivery attempts it had, or {@code null}
 * @param firstFailure when it first failed (ISO-8601), or {@code null}
 * @param lastFailure when it last failed (ISO-8601), or {@code null}
 * @param traceId its trace's id, or {@code null}
 * @param size the body's size in bytes
 * @param contentType its content type
 * @param encrypted whether the payload is encrypted (then {@code payload} is
 * {@code null})
 * @param payload the payload as text (JSON or text content, clear, cut at 4 KiB), or
 * {@code null}
 * @param headers the other headers, as text, secrets left out
 */
public record DeadLetter(String messageId, String topic, String publisher, boolean replayable, String refusal,
		String type, String reason, String exception, String exceptionMessage, Integer attempts, String firstFailure,
		String lastFailure, String traceId, int size, String contentType, boolean encrypted, String payload,
		Map<String, String> headers) {
}

package dev.bus.sidecar.telemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.StatusData;

/** OTLP's encodings of span fields, shared by the protobuf and JSON decoders. */
final class OtlpSpans {

	private OtlpSpans() {
	}

	/** OTLP's {@code SpanKind} enum. */
	static SpanKind kind(long value) {
		return switch ((int) value) {
			case 2 -> SpanKind.SERVER;
			case 3 -> SpanKind.CLIENT;
			case 4 -> SpanKind.PRODUCER;
			case 5 -> SpanKind.CONSUMER;
			default -> SpanKind.INTERNAL;
		};
	}

	/** OTLP's {@code Status}: code 1 OK, 2 ERROR, else unset. */
	static StatusData status(long code, String message) {
		StatusCode statusCode = (code == 1) ? StatusCode.OK : (code == 2) ? StatusCode.ERROR : StatusCode.UNSET;
		return StatusData.create(statusCode, (message != null) ? message : "");
	}

	/**
	 * A span's own context; the trace and span ids must be valid (16 and 8 bytes, not all
	 * zero).
	 */
	static SpanContext context(String traceId, String spanId, String what) {
		SpanContext context = SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
		if (!context.isValid()) {
			throw new MalformedOtlpException(what + " has an invalid trace or span id");
		}
		return context;
	}

	/** A parent's context: invalid (no parent) when the id is empty. */
	static SpanContext parent(String traceId, String parentSpanId) {
		if (parentSpanId == null || parentSpanId.isEmpty()) {
			return SpanContext.getInvalid();
		}
		return SpanContext.createFromRemoteParent(traceId, parentSpanId, TraceFlags.getSampled(),
				TraceState.getDefault());
	}

	static String hex(byte[] bytes) {
		StringBuilder hex = new StringBuilder(bytes.length * 2);
		for (byte b : bytes) {
			hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
		}
		return hex.toString();
	}

}

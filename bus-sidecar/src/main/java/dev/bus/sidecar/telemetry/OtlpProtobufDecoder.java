package dev.bus.sidecar.telemetry;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;

import static dev.bus.sidecar.telemetry.ProtoReader.FIXED64;
import static dev.bus.sidecar.telemetry.ProtoReader.LENGTH_DELIMITED;
import static dev.bus.sidecar.telemetry.ProtoReader.VARINT;
import static dev.bus.sidecar.telemetry.ProtoReader.field;
import static dev.bus.sidecar.telemetry.ProtoReader.wireType;

/**
 * Decodes an OTLP/HTTP protobuf {@code ExportTraceServiceRequest} (opentelemetry-proto,
 * trace/v1) into spans. Written against the wire format rather than generated classes:
 * the sidecar reads only what it forwards, and protobuf-java would cost every pod several
 * megabytes.
 */
final class OtlpProtobufDecoder {

	private OtlpProtobufDecoder() {
	}

	static List<ReceivedSpan> decode(byte[] body) {
		List<ReceivedSpan> spans = new ArrayList<>();
		ProtoReader request = new ProtoReader(body);
		while (request.hasMore()) {
			int tag = request.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				resourceSpans(request.message(), spans);
			}
			else {
				request.skip(wireType(tag));
			}
		}
		return spans;
	}

	private static void resourceSpans(ProtoReader reader, List<ReceivedSpan> out) {
		Resource resource = Resource.empty();
		List<ProtoReader> scopes = new ArrayList<>();
		while (reader.hasMore()) {
			int tag = reader.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				resource = Resource.create(attributesOf(reader.message(), 1));
			}
			else if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
				scopes.add(reader.message());
			}
			else {
				reader.skip(wireType(tag));
			}
		}
		for (ProtoReader scope : scopes) {
			scopeSpans(scope, resource, out);
		}
	}

	private static void scopeSpans(ProtoReader reader, Resource resource, List<ReceivedSpan> out) {
		InstrumentationScopeInfo scope = InstrumentationScopeInfo.empty();
		List<ProtoReader> spans = new ArrayList<>();
		while (reader.hasMore()) {
			int tag = reader.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				scope = scope(reader.message());
			}
			else if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
				spans.add(reader.message());
			}
			else {
				reader.skip(wireType(tag));
			}
		}
		for (ProtoReader span : spans) {
			out.add(span(span, resource, scope));
		}
	}

	private static InstrumentationScopeInfo scope(ProtoReader reader) {
		String name = "";
		String version = null;
		while (reader.hasMore()) {
			int tag = reader.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				name = reader.string();
			}
			else if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
				version = reader.string();
			}
			else {
				reader.skip(wireType(tag));
			}
		}
		return InstrumentationScopeInfo.builder(name).setVersion(version).build();
	}

	private static ReceivedSpan span(ProtoReader reader, Resource resource, InstrumentationScopeInfo scope) {
		String traceId = "";
		String spanId = "";
		String parentSpanId = "";
		String name = "";
		SpanKind kind = SpanKind.INTERNAL;
		long start = 0;
		long end = 0;
		AttributesBuilder attributes = Attributes.builder();
		List<EventData> events = new ArrayList<>();
		List<LinkData> links = new ArrayList<>();
		StatusData status = StatusData.unset();
		while (reader.hasMore()) {
			int tag = reader.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 1 * 8 + LENGTH_DELIMITED -> traceId = OtlpSpans.hex(reader.bytes());
				case 2 * 8 + LENGTH_DELIMITED -> spanId = OtlpSpans.hex(reader.bytes());
				case 4 * 8 + LENGTH_DELIMITED -> parentSpanId = OtlpSpans.hex(reader.bytes());
				case 5 * 8 + LENGTH_DELIMITED -> name = reader.string();
				case 6 * 8 + VARINT -> kind = OtlpSpans.kind(reader.varint());
				case 7 * 8 + FIXED64 -> start = reader.fixed64();
				case 8 * 8 + FIXED64 -> end = reader.fixed64();
				case 9 * 8 + LENGTH_DELIMITED -> keyValue(reader.message(), attributes);
				case 11 * 8 + LENGTH_DELIMITED -> events.add(event(reader.message()));
				case 13 * 8 + LENGTH_DELIMITED -> links.add(link(reader.message()));
				case 15 * 8 + LENGTH_DELIMITED -> status = status(reader.message());
				default -> reader.skip(wireType(tag));
			}
		}
		SpanContext context = OtlpSpans.context(traceId, spanId, "span '" + name + "'");
		return new ReceivedSpan(name, kind, context, OtlpSpans.parent(traceId, parentSpanId), status, start, end,
				attributes.build(), List.copyOf(events), List.copyOf(links), scope, resource);
	}

	private static EventData event(ProtoReader reader) {
		long time = 0;
		String name = "";
		AttributesBuilder attributes = Attributes.builder();
		while (reader.hasMore()) {
			int tag = reader.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 1 * 8 + FIXED64 -> time = reader.fixed64();
				case 2 * 8 + LENGTH_DELIMITED -> name = reader.string();
				case 3 * 8 + LENGTH_DELIMITED -> keyValue(reader.message(), attributes);
				default -> reader.skip(wireType(tag));
			}
		}
		return EventData.create(time, name, attributes.build());
	}

	private static LinkData link(ProtoReader reader) {
		String traceId = "";
		String spanId = "";
		AttributesBuilder attributes = Attributes.builder();
		while (reader.hasMore()) {
			int tag = reader.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 1 * 8 + LENGTH_DELIMITED -> traceId = OtlpSpans.hex(reader.bytes());
				case 2 * 8 + LENGTH_DELIMITED -> spanId = OtlpSpans.hex(reader.bytes());
				case 4 * 8 + LENGTH_DELIMITED -> keyValue(reader.message(), attributes);
				default -> reader.skip(wireType(tag));
			}
		}
		return LinkData.create(OtlpSpans.context(traceId, spanId, "link"), attributes.build());
	}

	private static StatusData status(ProtoReader reader) {
		String message = "";
		long code = 0;
		while (reader.hasMore()) {
			int tag = reader.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 2 * 8 + LENGTH_DELIMITED -> message = reader.string();
				case 3 * 8 + VARINT -> code = reader.varint();
				default -> reader.skip(wireType(tag));
			}
		}
		return OtlpSpans.status(code, message);
	}

	/** The {@code KeyValue}s in field {@code field} of a message (Resource: 1). */
	private static Attributes attributesOf(ProtoReader reader, int field) {
		AttributesBuilder attributes = Attributes.builder();
		while (reader.hasMore()) {
			int tag = reader.tag();
			if (field(tag) == field && wireType(tag) == LENGTH_DELIMITED) {
				keyValue(reader.message(), attributes);
			}
			else {
				reader.skip(wireType(tag));
			}
		}
		return attributes.build();
	}

	private static void keyValue(ProtoReader reader, AttributesBuilder attributes) {
		String key = null;
		ProtoReader value = null;
		while (reader.hasMore()) {
			int tag = reader.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				key = reader.string();
			}
			else if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
				value = reader.message();
			}
			else {
				reader.skip(wireType(tag));
			}
		}
		if (key != null && !key.isEmpty() && value != null) {
			putAnyValue(attributes, key, value);
		}
	}

	/**
	 * An {@code AnyValue}: scalars keep their type; arrays of one scalar type too;
	 * anything else as text.
	 */
	private static void putAnyValue(AttributesBuilder attributes, String key, ProtoReader value) {
		while (value.hasMore()) {
			int tag = value.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 1 * 8 + LENGTH_DELIMITED -> attributes.put(AttributeKeys.string(key), value.string());
				case 2 * 8 + VARINT -> attributes.put(AttributeKeys.bool(key), value.varint() != 0);
				case 3 * 8 + VARINT -> attributes.put(AttributeKeys.number(key), value.varint());
				case 4 * 8 + FIXED64 ->
					attributes.put(AttributeKeys.decimal(key), Double.longBitsToDouble(value.fixed64()));
				case 5 * 8 + LENGTH_DELIMITED -> putArray(attributes, key, value.message());
				case 7 * 8 + LENGTH_DELIMITED ->
					attributes.put(AttributeKeys.string(key), Base64.getEncoder().encodeToString(value.bytes()));
				// kvlist values are not representable as span attributes
				default -> value.skip(wireType(tag));
			}
		}
	}

	/**
	 * Array elements as text: span attributes hold arrays of one type, OTLP arrays may
	 * mix them.
	 */
	private static void putArray(AttributesBuilder attributes, String key, ProtoReader array) {
		List<String> elements = new ArrayList<>();
		while (array.hasMore()) {
			int tag = array.tag();
			if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
				elements.add(anyValueAsText(array.message()));
			}
			else {
				array.skip(wireType(tag));
			}
		}
		attributes.put(AttributeKeys.stringArray(key), elements);
	}

	private static String anyValueAsText(ProtoReader value) {
		String text = "";
		while (value.hasMore()) {
			int tag = value.tag();
			switch (field(tag) * 8 + wireType(tag)) {
				case 1 * 8 + LENGTH_DELIMITED -> text = value.string();
				case 2 * 8 + VARINT -> text = String.valueOf(value.varint() != 0);
				case 3 * 8 + VARINT -> text = String.valueOf(value.varint());
				case 4 * 8 + FIXED64 -> text = String.valueOf(Double.longBitsToDouble(value.fixed64()));
				default -> value.skip(wireType(tag));
			}
		}
		return text;
	}

}

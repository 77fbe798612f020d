package dev.bus.sidecar.telemetry;

import java.util.ArrayList;
import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes an OTLP/HTTP JSON {@code ExportTraceServiceRequest}: the protobuf JSON mapping
 * with OTLP's rules (ids as hex, enums as numbers, 64-bit integers as strings or numbers,
 * lowerCamelCase field names).
 */
final class OtlpJsonDecoder {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private OtlpJsonDecoder() {
	}

	static List<ReceivedSpan> decode(byte[] body) {
		JsonNode root;
		try {
			root = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new MalformedOtlpException("body is not JSON", ex);
		}
		if (root == null || !root.isObject()) {
			throw new MalformedOtlpException("body is not a JSON object");
		}
		List<ReceivedSpan> spans = new ArrayList<>();
		for (JsonNode resourceSpans : array(root, "resourceSpans")) {
			Resource resource = Resource.create(attributes(array(resourceSpans.path("resource"), "attributes")));
			for (JsonNode scopeSpans : array(resourceSpans, "scopeSpans")) {
				JsonNode scopeNode = scopeSpans.path("scope");
				InstrumentationScopeInfo scope = InstrumentationScopeInfo.builder(scopeNode.path("name").asString(""))
					.setVersion(scopeNode.has("version") ? scopeNode.path("version").asString() : null)
					.build();
				for (JsonNode span : array(scopeSpans, "spans")) {
					spans.add(span(span, resource, scope));
				}
			}
		}
		return spans;
	}

	private static ReceivedSpan span(JsonNode span, Resource resource, InstrumentationScopeInfo scope) {
		String traceId = span.path("traceId").asString("").toLowerCase(java.util.Locale.ROOT);
		String name = span.path("name").asString("");
		List<EventData> events = new ArrayList<>();
		for (JsonNode event : array(span, "events")) {
			events.add(EventData.create(number(event.path("timeUnixNano")), event.path("name").asString(""),
					attributes(array(event, "attributes"))));
		}
		List<LinkData> links = new ArrayList<>();
		for (JsonNode link : array(span, "links")) {
			links.add(LinkData.create(
					OtlpSpans.context(link.path("traceId").asString("").toLowerCase(java.util.Locale.ROOT),
							link.path("spanId").asString("").toLowerCase(java.util.Locale.ROOT), "link"),
					attributes(array(link, "attributes"))));
		}
		JsonNode status = span.path("status");
		return new ReceivedSpan(name, OtlpSpans.kind(number(span.path("kind"))),
				OtlpSpans.context(traceId, span.path("spanId").asString("").toLowerCase(java.util.Locale.ROOT),
						"span '" + name + "'"),
				OtlpSpans.parent(traceId, span.path("parentSpanId").asString("").toLowerCase(java.util.Locale.ROOT)),
				OtlpSpans.status(number(status.path("code")), status.path("message").asString("")),
				number(span.path("startTimeUnixNano")), number(span.path("endTimeUnixNano")),
				attributes(array(span, "attributes")), List.copyOf(events), List.copyOf(links), scope, resource);
	}

	private static Attributes attributes(Iterable<JsonNode> keyValues) {
		AttributesBuilder attributes = Attributes.builder();
		for (JsonNode keyValue : keyValues) {
			String key = keyValue.path("key").asString("");
			JsonNode value = keyValue.path("value");
			if (key.isEmpty()) {
				continue;
			}
			if (value.has("stringValue")) {
				attributes.put(AttributeKeys.string(key), value.path("stringValue").asString());
			}
			else if (value.has("boolValue")) {
				attributes.put(AttributeKeys.bool(key), value.path("boolValue").asBoolean());
			}
			else if (value.has("intValue")) {
				attributes.put(AttributeKeys.number(key), number(value.path("intValue")));
			}
			else if (value.has("doubleValue")) {
				attributes.put(AttributeKeys.decimal(key), value.path("doubleValue").asDouble());
			}
			else if (value.has("arrayValue")) {
				List<String> elements = new ArrayList<>();
				for (JsonNode element : value.path("arrayValue").path("values")) {
					elements.add(
							element.properties().stream().findFirst().map((e) -> e.getValue().asString("")).orElse(""));
				}
				attributes.put(AttributeKeys.stringArray(key), elements);
			}
		}
		return attributes.build();
	}

	/**
	 * The elements of a repeated field: none when it is absent or null, and a malformed
	 * request when it is not an array (iterating an object would read its values as
	 * elements and accept a body of the wrong shape).
	 */
	private static Iterable<JsonNode> array(JsonNode parent, String field) {
		JsonNode node = parent.path(field);
		if (node.isMissingNode() || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw new MalformedOtlpException("'" + field + "' is not an array");
		}
		return node;
	}

	/** A 64-bit integer, which OTLP/JSON writes as a string or a number. */
	private static long number(JsonNode node) {
		if (node.isMissingNode() || node.isNull()) {
			return 0;
		}
		if (node.isNumber()) {
			return node.asLong();
		}
		try {
			return Long.parseUnsignedLong(node.asString());
		}
		catch (NumberFormatException ex) {
			throw new MalformedOtlpException("'" + node.asString() + "' is not an integer");
		}
	}

}

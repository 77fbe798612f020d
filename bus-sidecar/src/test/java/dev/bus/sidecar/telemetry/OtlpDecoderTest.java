package dev.bus.sidecar.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OTLP decoders against requests encoded by the OpenTelemetry SDK's own OTLP
 * marshaler, protobuf and JSON, and against broken input.
 */
class OtlpDecoderTest {

	private static final List<SpanData> spans = new ArrayList<>();

	@BeforeAll
	static void recordSpans() {
		InMemorySpanExporter capture = InMemorySpanExporter.create();
		try (SdkTracerProvider provider = SdkTracerProvider.builder()
			.setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders")))
			.addSpanProcessor(SimpleSpanProcessor.create(capture))
			.build()) {
			Tracer tracer = provider.get("dev.bus", "1.2.3");
			Span parent = tracer.spanBuilder("publish orders.created").setSpanKind(SpanKind.PRODUCER).startSpan();
			try (Scope scope = parent.makeCurrent()) {
				Span child = tracer.spanBuilder("process orders.created")
					.setSpanKind(SpanKind.CONSUMER)
					.addLink(parent.getSpanContext(), Attributes.of(AttributeKey.stringKey("why"), "batch"))
					.setAttribute("messaging.system", "rabbitmq")
					.setAttribute("bus.attempt", 2L)
					.setAttribute("ratio", 0.25)
					.setAttribute("redelivered", true)
					.setAttribute(AttributeKey.stringArrayKey("topics"), List.of("a", "b"))
					.startSpan();
				child.addEvent("retry scheduled", Attributes.of(AttributeKey.longKey("bus.attempt"), 2L));
				child.setStatus(StatusCode.ERROR, "carrier down");
				child.end();
			}
			parent.end();
			// before closing the provider, which clears the exporter
			spans.addAll(capture.getFinishedSpanItems());
		}
	}

	@Test
	void decodesTheSdksProtobuf() throws IOException {
		assertDecodedLikeRecorded(OtlpProtobufDecoder::decode, protobuf(spans));
	}

	@Test
	void decodesTheSdksJson() throws IOException {
		assertDecodedLikeRecorded(OtlpJsonDecoder::decode, json(spans));
	}

	private static void assertDecodedLikeRecorded(Function<byte[], List<ReceivedSpan>> decoder, byte[] request) {
		List<ReceivedSpan> decoded = decoder.apply(request);
		assertThat(decoded).hasSize(2);
		for (SpanData recorded : spans) {
			ReceivedSpan span = decoded.stream()
				.filter((candidate) -> candidate.getSpanId().equals(recorded.getSpanId()))
				.findFirst()
				.orElseThrow();
			assertThat(span.getTraceId()).isEqualTo(recorded.getTraceId());
			assertThat(span.getParentSpanId()).isEqualTo(recorded.getParentSpanId());
			assertThat(span.getName()).isEqualTo(recorded.getName());
			assertThat(span.getKind()).isEqualTo(recorded.getKind());
			assertThat(span.getStartEpochNanos()).isEqualTo(recorded.getStartEpochNanos());
			assertThat(span.getEndEpochNanos()).isEqualTo(recorded.getEndEpochNanos());
			assertThat(span.getAttributes().asMap()).isEqualTo(recorded.getAttributes().asMap());
			assertThat(span.getStatus()).isEqualTo(recorded.getStatus());
			assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("orders");
			assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.bus");
			assertThat(span.getInstrumentationScopeInfo().getVersion()).isEqualTo("1.2.3");
			assertThat(span.getEvents()).hasSameSizeAs(recorded.getEvents());
			for (int i = 0; i < span.getEvents().size(); i++) {
				assertThat(span.getEvents().get(i).getName()).isEqualTo(recorded.getEvents().get(i).getName());
				assertThat(span.getEvents().get(i).getEpochNanos())
					.isEqualTo(recorded.getEvents().get(i).getEpochNanos());
				assertThat(span.getEvents().get(i).getAttributes().asMap())
					.isEqualTo(recorded.getEvents().get(i).getAttributes().asMap());
			}
			assertThat(span.getLinks()).hasSameSizeAs(recorded.getLinks());
			for (int i = 0; i < span.getLinks().size(); i++) {
				assertThat(span.getLinks().get(i).getSpanContext().getSpanId())
					.isEqualTo(recorded.getLinks().get(i).getSpanContext().getSpanId());
			}
		}
	}

	@Test
	void truncatedProtobufIsMalformedNotACrash() throws IOException {
		byte[] request = protobuf(spans);
		for (int length : new int[] { 1, 7, request.length / 2, request.length - 1 }) {
			assertThatThrownBy(() -> OtlpProtobufDecoder.decode(Arrays.copyOf(request, length)))
				.isInstanceOf(MalformedOtlpException.class);
		}
	}

	@Test
	void garbageAndBadIdsAreMalformed() {
		assertThatThrownBy(() -> OtlpProtobufDecoder.decode(new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF }))
			.isInstanceOf(MalformedOtlpException.class);
		assertThatThrownBy(() -> OtlpJsonDecoder.decode("not json".getBytes()))
			.isInstanceOf(MalformedOtlpException.class);
		assertThatThrownBy(() -> OtlpJsonDecoder.decode(("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
				+ "\"traceId\":\"zz\",\"spanId\":\"0102030405060708\",\"name\":\"x\"}]}]}]}")
			.getBytes())).isInstanceOf(MalformedOtlpException.class).hasMessageContaining("invalid trace or span id");
		assertThat(OtlpJsonDecoder.decode("{}".getBytes())).isEmpty();
		assertThat(OtlpProtobufDecoder.decode(new byte[0])).isEmpty();
	}

	static byte[] protobuf(List<SpanData> spans) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TraceRequestMarshaler.create(spans).writeBinaryTo(out);
		return out.toByteArray();
	}

	static byte[] json(List<SpanData> spans) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TraceRequestMarshaler.create(spans).writeJsonTo(out);
		return out.toByteArray();
	}

}

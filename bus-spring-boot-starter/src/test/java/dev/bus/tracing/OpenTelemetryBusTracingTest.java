package dev.bus.tracing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.FailureReason;
import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.DeliveryTracing;
import dev.bus.listener.RetryPolicy;
import dev.bus.publisher.Envelope;
import dev.bus.publisher.PublishTracing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bus's spans with the real OpenTelemetry SDK (its spans captured as exported): context through the headers,
 * a message without context starting a trace, failures recorded, and a batch span linked to its messages.
 */
class OpenTelemetryBusTracingTest {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
		.setTracerProvider(
				SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this.exporter)).build())
		.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
		.build();

	private final OpenTelemetryBusTracing tracing = new OpenTelemetryBusTracing(this.sdk, "bus");

	private final BusListenerDefinition listener = new BusListenerDefinition("inventory.onOrder",
			TopicPattern.of("orders.created"), "inventory", "inventory.orders.created", "inventory.orders.created.dlq",
			false, false, "1", 10, null, Map.of(), RetryPolicy.NONE, false, null);

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void theConsumerContinuesThePublishersTraceThroughTheHeaders() {
		Span request = this.sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
		Envelope sent;
		try (Scope scope = request.makeCurrent()) {
			PublishTracing.PublishSpan publish = this.tracing.start(envelope("m-1"));
			sent = publish.envelope();
			publish.end(null);
		}
		request.end();
		assertThat(sent.properties().getHeaders()).containsKey("traceparent");

		try (DeliveryTracing.DeliverySpan delivery = this.tracing.start(this.listener, delivered(sent), "orders.created",
				2)) {
			// the handler would run here
		}
		SpanData producer = span("publish orders.created");
		SpanData consumer = span("process orders.created");
		assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
		assertThat(producer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
		assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
		assertThat(consumer.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
		assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
		assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
			.isEqualTo("inventory");
		assertThat(consumer.getAttributes().get(AttributeKey.longKey("bus.attempt"))).isEqualTo(2);
		assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo("m-1");
	}

	@Test
	void aMessageWithoutContextStartsATraceAndFailuresAreRecorded() {
		Span unrelated = this.sdk.getTracer("test").spanBuilder("unrelated").startSpan();
		try (Scope scope = unrelated.makeCurrent();
				DeliveryTracing.DeliverySpan delivery = this.tracing.start(this.listener,
						delivered(envelope("plain")), "orders.created", 1)) {
			delivery.deadLettered(FailureReason.HANDLER_FAILED, new IllegalArgumentException("bad order"));
		}
		unrelated.end();
		SpanData consumer = span("process orders.created");
		assertThat(consumer.getParentSpanContext().isValid()).as("a new trace").isFalse();
		assertThat(consumer.getTraceId()).isNotEqualTo(unrelated.getSpanContext().getTraceId());
		assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(consumer.getAttributes().get(AttributeKey.stringKey("error.type")))
			.isEqualTo(IllegalArgumentException.class.getName());
		assertThat(consumer.getEvents()).extracting("name").contains("exception", "dead-lettered");
	}

	@Test
	void aFailedPublishIsRecordedOnItsSpan() {
		PublishTracing.PublishSpan publish = this.tracing.start(envelope("m-2"));
		publish.end(new java.util.concurrent.CompletionException(new IllegalStateException("nacked")));
		SpanData producer = span("publish orders.created");
		assertThat(producer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(producer.getAttributes().get(AttributeKey.stringKey("error.type")))
			.isEqualTo(IllegalStateException.class.getName());
	}

	@Test
	void aBatchSpanLinksEachMessagesContext() {
		List<Message> batch = new ArrayList<>();
		List<String> publishSpanIds = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			PublishTracing.PublishSpan publish = this.tracing.start(envelope("b-" + i));
			batch.add(delivered(publish.envelope()));
			publish.end(null);
		}
		this.exporter.getFinishedSpanItems().forEach((span) -> publishSpanIds.add(span.getSpanId()));
		try (DeliveryTracing.DeliverySpan receive = this.tracing.startBatch(this.listener, batch, "orders.created")) {
			// each logical message is then handled with its own span
		}
		SpanData receive = span("receive orders.created");
		assertThat(receive.getLinks()).extracting((link) -> link.getSpanContext().getSpanId())
			.containsExactlyElementsOf(publishSpanIds);
		assertThat(receive.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count"))).isEqualTo(3);
	}

	private SpanData span(String name) {
		return this.exporter.getFinishedSpanItems().stream().filter((span) -> span.getName().equals(name)).findFirst().orElseThrow();
	}

	private static Envelope envelope(String id) {
		Map<String, Object> headers = new HashMap<>();
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(id).headers(headers).build();
		return new Envelope("orders.created", id, properties, "{}".getBytes(StandardCharsets.UTF_8));
	}

	/** The envelope as a listener receives it (header values arrive as AMQP strings). */
	private static Message delivered(Envelope envelope) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(envelope.messageId());
		envelope.properties().getHeaders().forEach((name, value) -> properties.setHeader(name,
				com.rabbitmq.client.impl.LongStringHelper.asLongString(value.toString())));
		return new Message(envelope.body(), properties);
	}

}

package dev.bus.tracing;

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
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublishException;
import dev.bus.DeliveryOutcome;
import dev.bus.MessageRejectedException;
import dev.bus.OutboundMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;
import dev.bus.transport.Envelope;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.PublishChain;
import dev.bus.test.TestDelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bus's spans with the real OpenTelemetry SDK (its spans captured as exported): context
 * through the headers, a message without context starting a trace, failures and
 * rejections recorded, the consumer span current until the delivery settles.
 */
class OpenTelemetryBusTracingTest {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
		.setTracerProvider(
				SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this.exporter)).build())
		.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
		.build();

	private final OpenTelemetryBusTracing tracing = new OpenTelemetryBusTracing(this.sdk, "bus");

	private final EnvelopeFactory envelopes = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true,
			new PublishChain(List.of(this.tracing)));

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void theConsumerContinuesThePublishersTraceThroughTheHeaders() {
		Span request = this.sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
		OutgoingEnvelope sent;
		try (Scope scope = request.makeCurrent()) {
			sent = this.envelopes.create(OutboundMessage.builder("orders.created", "{}").messageId("m-1").build());
		}
		assertThat(this.exporter.getFinishedSpanItems()).as("the span ends when the publish settles").isEmpty();
		sent.settle(null);
		request.end();
		assertThat(sent.envelope().properties().getHeaders()).containsKey("traceparent");

		TestDelivery delivery = delivery(sent.envelope(), 2);
		this.tracing.postProcess(delivery);
		assertThat(Span.current().getSpanContext().getTraceId()).as("current while the handler runs")
			.isEqualTo(request.getSpanContext().getTraceId());
		delivery.settle(new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
		assertThat(Span.current().getSpanContext().isValid()).as("the scope is closed on settle").isFalse();

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
		try (Scope scope = unrelated.makeCurrent()) {
			Envelope plain = new Envelope("orders.created", "plain",
					new AMQP.BasicProperties.Builder().messageId("plain").headers(Map.of()).build(), new byte[2]);
			TestDelivery delivery = delivery(plain, 1);
			this.tracing.postProcess(delivery);
			delivery.settle(new DeliveryOutcome(DeliveryOutcome.Kind.DEAD_LETTERED, "handler-failed",
					new IllegalArgumentException("bad order")));
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
		OutgoingEnvelope sent = this.envelopes.create(OutboundMessage.builder("orders.created", "{}").build());
		sent.settle(new java.util.concurrent.CompletionException(new IllegalStateException("nacked")));
		SpanData producer = span("publish orders.created");
		assertThat(producer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(producer.getAttributes().get(AttributeKey.stringKey("error.type")))
			.isEqualTo(IllegalStateException.class.getName());
	}

	@Test
	void aPublishRejectedByALaterElementEndsItsSpanAsFailed() {
		EnvelopeFactory envelopes = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true,
				new PublishChain(List.<PublishPostProcessor>of(this.tracing, (message) -> {
					throw new MessageRejectedException("access-denied", "no scope for orders.created");
				})));
		assertThatExceptionOfType(BusPublishException.class)
			.isThrownBy(() -> envelopes.create(OutboundMessage.builder("orders.created", "{}").build()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.REJECTED));
		assertThat(span("publish orders.created").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
	}

	private SpanData span(String name) {
		return this.exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void aRoutedMessagesProducerSpanNamesTheRule() {
		this.envelopes.create(
				OutboundMessage.builder("orders.v2.created", "{}").header(BusHeaders.ROUTED_BY, "orders@4/v2").build())
			.settle(null);
		assertThat(span("publish orders.v2.created").getAttributes().get(OpenTelemetryBusTracing.ROUTED_BY))
			.isEqualTo("orders@4/v2");
	}

	/**
	 * A delivery of an envelope as a listener's receive chain sees it (header values
	 * arrive as AMQP strings).
	 */
	private static TestDelivery delivery(Envelope envelope, int attempt) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(envelope.messageId());
		envelope.properties()
			.getHeaders()
			.forEach((name, value) -> properties.setHeader(name,
					com.rabbitmq.client.impl.LongStringHelper.asLongString(value.toString())));
		return new TestDelivery(envelope.topic(), envelope.messageId(), attempt, properties, envelope.body());
	}

}

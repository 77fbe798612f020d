package dev.bus.tracing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
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
import io.opentelemetry.sdk.trace.samplers.Sampler;
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
import dev.bus.observation.BusDeliveryObservationContext;
import dev.bus.observation.BusObservations;
import dev.bus.observation.BusPublishObservationContext;
import dev.bus.observation.DefaultBusDeliveryObservationConvention;
import dev.bus.observation.DefaultBusPublishObservationConvention;
import dev.bus.observation.TopicTags;
import dev.bus.publisher.Addressing;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.PublishChain;
import dev.bus.test.TestDelivery;
import dev.bus.transport.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bus's spans from its observations, with the real OpenTelemetry SDK (its spans captured
 * as exported) and a real observation registry: context through the headers the envelope
 * takes, a message without context starting a trace, failures and refusals recorded, the
 * consumer span current exactly from the delivery's start to its stop, the name from the
 * observation's convention.
 */
class OpenTelemetryBusObservationHandlerTest {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
		.setTracerProvider(
				SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this.exporter)).build())
		.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
		.build();

	private final ObservationRegistry registry = BusObservations
		.registryOf(Stream.of(new OpenTelemetryBusObservationHandler(this.sdk, "bus")));

	private final BusObservations observations = new BusObservations(this.registry, null, null, new TopicTags(10));

	private final EnvelopeFactory envelopes = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true,
			new PublishChain(List.of()));

	@AfterEach
	void close() {
		this.sdk.close();
	}

	@Test
	void theConsumerContinuesThePublishersTraceThroughTheHeaders() {
		Span request = this.sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
		Sent sent;
		try (Scope scope = request.makeCurrent()) {
			sent = publish(this.observations, this.envelopes,
					OutboundMessage.builder("orders.created", "{}").messageId("m-1").build());
		}
		assertThat(this.exporter.getFinishedSpanItems()).as("the span ends when the publish settles").isEmpty();
		sent.settle(null);
		request.end();
		assertThat(sent.envelope().properties().getHeaders()).containsKey("traceparent");

		TestDelivery delivery = delivery(sent.envelope(), 2);
		Observation observation = this.observations.deliveryStarted(delivery);
		assertThat(Span.current().getSpanContext().getTraceId()).as("current once the delivery has started")
			.isEqualTo(request.getSpanContext().getTraceId());
		BusObservations.deliverySettled(observation, new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
		assertThat(Span.current().getSpanContext().isValid()).as("not current once it has settled").isFalse();

		SpanData producer = span("publish orders.created");
		SpanData consumer = span("process orders.created");
		assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
		assertThat(producer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
		assertThat(producer.getAttributes().get(OpenTelemetryBusObservationHandler.BODY_SIZE))
			.isEqualTo(sent.envelope().body().length);
		assertThat(producer.getAttributes().get(OpenTelemetryBusObservationHandler.DESTINATION)).isEqualTo("bus");
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
			Observation observation = this.observations.deliveryStarted(delivery(plain, 1));
			BusObservations.deliverySettled(observation, new DeliveryOutcome(DeliveryOutcome.Kind.DEAD_LETTERED,
					"handler-failed", new IllegalArgumentException("bad order")));
			assertThat(Span.current()).as("the context before the delivery is current again").isEqualTo(unrelated);
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
		publish(this.observations, this.envelopes, OutboundMessage.builder("orders.created", "{}").build())
			.settle(new CompletionException(new IllegalStateException("nacked")));
		SpanData producer = span("publish orders.created");
		assertThat(producer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(producer.getAttributes().get(AttributeKey.stringKey("error.type")))
			.isEqualTo(IllegalStateException.class.getName());
	}

	@Test
	void aPublishRefusedByAChainElementEndsItsSpanAsFailedWithoutASize() {
		EnvelopeFactory refusing = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true,
				new PublishChain(List.<PublishPostProcessor>of((message) -> {
					throw new MessageRejectedException("access-denied", "no scope for orders.created");
				})));
		assertThatExceptionOfType(BusPublishException.class)
			.isThrownBy(
					() -> publish(this.observations, refusing, OutboundMessage.builder("orders.created", "{}").build()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.REJECTED));
		SpanData producer = span("publish orders.created");
		assertThat(producer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(producer.getAttributes().get(OpenTelemetryBusObservationHandler.BODY_SIZE)).isNull();
	}

	@Test
	void aRoutedMessagesProducerSpanNamesTheRule() {
		publish(this.observations, this.envelopes,
				OutboundMessage.builder("orders.v2.created", "{}").header(BusHeaders.ROUTED_BY, "orders@4/v2").build())
			.settle(null);
		assertThat(span("publish orders.v2.created").getAttributes().get(OpenTelemetryBusObservationHandler.ROUTED_BY))
			.isEqualTo("orders@4/v2");
	}

	@Test
	void theObservationsConventionNamesTheSpans() {
		TopicTags topics = new TopicTags(10);
		BusObservations renamed = new BusObservations(this.registry,
				new DefaultBusPublishObservationConvention(topics) {

					@Override
					public String getContextualName(BusPublishObservationContext context) {
						return "send " + context.topic();
					}

				}, new DefaultBusDeliveryObservationConvention(topics) {

					@Override
					public String getContextualName(BusDeliveryObservationContext context) {
						return "handle " + context.topic();
					}

				}, topics);
		Sent sent = publish(renamed, this.envelopes, OutboundMessage.builder("orders.created", "{}").build());
		sent.settle(null);
		BusObservations.deliverySettled(renamed.deliveryStarted(delivery(sent.envelope(), 1)),
				new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
		assertThat(this.exporter.getFinishedSpanItems()).extracting(SpanData::getName)
			.containsExactly("send orders.created", "handle orders.created");
	}

	@Test
	void aTraceNotSampledStaysNotSampledAcrossTheMessage() {
		InMemorySpanExporter unsampledExporter = InMemorySpanExporter.create();
		try (OpenTelemetrySdk unsampled = OpenTelemetrySdk.builder()
			.setTracerProvider(SdkTracerProvider.builder()
				.setSampler(Sampler.traceIdRatioBased(0))
				.addSpanProcessor(SimpleSpanProcessor.create(unsampledExporter))
				.build())
			.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
			.build()) {
			BusObservations observations = new BusObservations(
					BusObservations.registryOf(Stream.of(new OpenTelemetryBusObservationHandler(unsampled, "bus"))),
					null, null, new TopicTags(10));
			Sent sent = publish(observations, this.envelopes, OutboundMessage.builder("orders.created", "{}").build());
			sent.settle(null);
			assertThat(sent.envelope().properties().getHeaders().get("traceparent").toString())
				.as("the decision travels with the message")
				.endsWith("-00");
			Observation delivery = observations.deliveryStarted(delivery(sent.envelope(), 1));
			assertThat(Span.current().getSpanContext().isSampled()).as("current, not sampled").isFalse();
			assertThat(Span.current().getSpanContext().getTraceId())
				.isEqualTo(sent.envelope().properties().getHeaders().get("traceparent").toString().substring(3, 35));
			BusObservations.deliverySettled(delivery, new DeliveryOutcome(DeliveryOutcome.Kind.CONSUMED, null, null));
			assertThat(unsampledExporter.getFinishedSpanItems()).isEmpty();
		}
	}

	@Test
	void withNothingObservingTheEnvelopeCarriesNoTraceHeaders() {
		Span request = this.sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
		try (Scope scope = request.makeCurrent()) {
			Sent sent = publish(BusObservations.NONE, this.envelopes,
					OutboundMessage.builder("orders.created", "{}").build());
			Map<String, Object> headers = sent.envelope().properties().getHeaders();
			assertThat((headers != null) ? headers : Map.of()).doesNotContainKey("traceparent");
		}
		request.end();
	}

	private SpanData span(String name) {
		return this.exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * What a publisher does: observe, build the envelope inside the observation; settling
	 * the envelope settles the observation.
	 */
	private static Sent publish(BusObservations observations, EnvelopeFactory envelopes, OutboundMessage message) {
		return new Sent(envelopes.create(message, Addressing.TOPIC, observations.publishStarted(message)));
	}

	private record Sent(OutgoingEnvelope outgoing) {

		Envelope envelope() {
			return this.outgoing.envelope();
		}

		void settle(Throwable error) {
			this.outgoing.settle(error);
		}

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
			.forEach((name, value) -> properties.setHeader(name, LongStringHelper.asLongString(value.toString())));
		return new TestDelivery(envelope.topic(), envelope.messageId(), attempt, properties, envelope.body());
	}

}

package dev.bus.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.DeliveryTracing;
import dev.bus.publisher.Envelope;
import dev.bus.publisher.PublishTracing;

/**
 * Traces Bus with the application's {@link OpenTelemetry}: a PRODUCER span per publish and a CONSUMER span per
 * delivery attempt, named and attributed per the OpenTelemetry messaging semantic conventions, with the context
 * carried in the message headers by the application's propagators (W3C {@code traceparent}, {@code tracestate},
 * baggage). A delivery without trace context starts a new trace.
 */
public class OpenTelemetryBusTracing implements PublishTracing, DeliveryTracing {

	/** Instrumentation scope name of Bus's spans. */
	public static final String SCOPE = "dev.bus";

	static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");

	static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");

	static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");

	static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

	static final AttributeKey<String> ROUTING_KEY = AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");

	static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

	static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

	static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");

	static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");

	static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

	static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");

	static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bus.attempt");

	static final AttributeKey<String> LISTENER = AttributeKey.stringKey("bus.listener");

	private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Map<String, Object> carrier) {
			return carrier.keySet();
		}

		@Override
		public String get(Map<String, Object> carrier, String key) {
			Object value = (carrier != null) ? carrier.get(key) : null;
			return (value != null) ? value.toString() : null; // AMQP delivers header strings as LongString
		}

	};

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final String exchange;

	public OpenTelemetryBusTracing(OpenTelemetry openTelemetry, String exchange) {
		this.tracer = openTelemetry.getTracer(SCOPE);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.exchange = exchange;
	}

	@Override
	public PublishSpan start(Envelope envelope) {
		Span span = this.tracer.spanBuilder("publish " + envelope.topic())
			.setSpanKind(SpanKind.PRODUCER)
			.setAttribute(SYSTEM, "rabbitmq")
			.setAttribute(OPERATION_TYPE, "send")
			.setAttribute(OPERATION_NAME, "publish")
			.setAttribute(DESTINATION, this.exchange)
			.setAttribute(ROUTING_KEY, envelope.topic())
			.setAttribute(MESSAGE_ID, envelope.messageId())
			.setAttribute(BODY_SIZE, (long) envelope.body().length)
			.startSpan();
		Map<String, Object> headers = new HashMap<>(envelope.properties().getHeaders());
		this.propagator.inject(Context.current().with(span), headers, (carrier, key, value) -> carrier.put(key, value));
		Envelope traced = envelope.withHeaders(headers);
		return new PublishSpan() {

			@Override
			public Envelope envelope() {
				return traced;
			}

			@Override
			public void end(Throwable error) {
				if (error != null) {
					failed(span, (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
							: error);
				}
				span.end();
			}

		};
	}

	@Override
	public DeliverySpan start(BusListenerDefinition listener, Message message, String topic, int attempt) {
		MessageProperties properties = message.getMessageProperties();
		Context parent = this.propagator.extract(Context.root(), properties.getHeaders(), HEADERS);
		String messageId = (properties.getMessageId() != null) ? properties.getMessageId()
				: HEADERS.get(properties.getHeaders(), BusHeaders.CE_ID);
		Span span = this.tracer.spanBuilder("process " + topic)
			.setParent(parent)
			.setSpanKind(SpanKind.CONSUMER)
			.setAllAttributes(Attributes.builder()
				.put(SYSTEM, "rabbitmq")
				.put(OPERATION_TYPE, "process")
				.put(OPERATION_NAME, "process")
				.put(DESTINATION, this.exchange)
				.put(ROUTING_KEY, topic)
				.put(CONSUMER_GROUP, listener.group())
				.put(SUBSCRIPTION, listener.queue())
				.put(BODY_SIZE, (long) message.getBody().length)
				.put(ATTEMPT, (long) attempt)
				.put(LISTENER, listener.id())
				.build())
			.startSpan();
		if (messageId != null) {
			span.setAttribute(MESSAGE_ID, messageId);
		}
		Scope scope = span.makeCurrent();
		return new DeliverySpan() {

			@Override
			public void retried(Throwable error) {
				failed(span, error);
				span.addEvent("retry scheduled", Attributes.of(ATTEMPT, (long) attempt));
			}

			@Override
			public void deadLettered(FailureReason reason, Throwable error) {
				failed(span, error);
				span.addEvent("dead-lettered", Attributes.of(AttributeKey.stringKey("bus.failure.reason"), reason.code()));
			}

			@Override
			public void skipped(String why) {
				span.addEvent("skipped: " + why);
			}

			@Override
			public void close() {
				scope.close();
				span.end();
			}

		};
	}

	@Override
	public DeliverySpan startBatch(BusListenerDefinition listener, List<Message> messages, String topic) {
		SpanBuilder builder = this.tracer.spanBuilder("receive " + topic)
			.setNoParent()
			.setSpanKind(SpanKind.CONSUMER)
			.setAttribute(SYSTEM, "rabbitmq")
			.setAttribute(OPERATION_TYPE, "receive")
			.setAttribute(OPERATION_NAME, "receive")
			.setAttribute(DESTINATION, this.exchange)
			.setAttribute(ROUTING_KEY, topic)
			.setAttribute(CONSUMER_GROUP, listener.group())
			.setAttribute(SUBSCRIPTION, listener.queue())
			.setAttribute(BATCH_COUNT, (long) messages.size())
			.setAttribute(LISTENER, listener.id());
		for (Message message : messages) {
			SpanContext context = Span
				.fromContext(this.propagator.extract(Context.root(), message.getMessageProperties().getHeaders(), HEADERS))
				.getSpanContext();
			if (context.isValid()) {
				builder.addLink(context);
			}
		}
		Span span = builder.startSpan();
		return new DeliverySpan() {

			@Override
			public void close() {
				span.end();
			}

		};
	}

	private static void failed(Span span, Throwable error) {
		span.recordException(error);
		span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
		span.setAttribute(ERROR_TYPE, error.getClass().getName());
	}

}

package dev.bus.tracing;

import java.util.Map;
import java.util.concurrent.CompletionException;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.core.Ordered;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.ReceivePostProcessor;
import dev.bus.core.BusHeaders;

/**
 * Traces Bus with the application's {@link OpenTelemetry}: a PRODUCER span per publish
 * and a CONSUMER span per delivery attempt, named and attributed per the OpenTelemetry
 * messaging semantic conventions, with the context carried in the message headers by the
 * application's propagators (W3C {@code traceparent}, {@code tracestate}, baggage). A
 * delivery without trace context starts a new trace.
 *
 * <p>
 * An element of both message chains, near their start ({@link #ORDER}): the PRODUCER span
 * covers the publish elements after it and ends on the broker's confirm; the CONSUMER
 * span is current for the receive elements after it and the listener method, and records
 * how the delivery settled.
 */
public class OpenTelemetryBusTracing implements PublishPostProcessor, ReceivePostProcessor, Ordered {

	/** Instrumentation scope name of Bus's spans. */
	public static final String SCOPE = "dev.bus";

	/**
	 * Where tracing sits in both chains: early, leaving room for elements that must run
	 * before it.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");

	static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");

	static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");

	static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

	static final AttributeKey<String> ROUTING_KEY = AttributeKey
		.stringKey("messaging.rabbitmq.destination.routing_key");

	static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

	static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

	static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");

	static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");

	static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

	static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bus.attempt");

	/**
	 * The routing rule that sent the message here ({@code <rule set>@<version>/<rule>}),
	 * when one did.
	 */
	static final AttributeKey<String> ROUTED_BY = AttributeKey.stringKey("bus.routing.rule");

	static final AttributeKey<String> LISTENER = AttributeKey.stringKey("bus.listener");

	static final AttributeKey<String> FAILURE_REASON = AttributeKey.stringKey("bus.failure.reason");

	private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Map<String, Object> carrier) {
			return carrier.keySet();
		}

		@Override
		public String get(Map<String, Object> carrier, String key) {
			Object value = (carrier != null) ? carrier.get(key) : null;
			// AMQP delivers header strings as LongString
			return (value != null) ? value.toString() : null;
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
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Starts the PRODUCER span, puts its context in the headers, and ends it when the
	 * publish settles.
	 */
	@Override
	public void postProcess(OutgoingMessage message) {
		Span span = this.tracer.spanBuilder("publish " + message.topic())
			.setSpanKind(SpanKind.PRODUCER)
			.setAttribute(SYSTEM, "rabbitmq")
			.setAttribute(OPERATION_TYPE, "send")
			.setAttribute(OPERATION_NAME, "publish")
			.setAttribute(DESTINATION, this.exchange)
			.setAttribute(ROUTING_KEY, message.topic())
			.setAttribute(MESSAGE_ID, message.messageId())
			.setAttribute(BODY_SIZE, (long) message.body().length)
			.startSpan();
		Object routedBy = message.headers().get(BusHeaders.ROUTED_BY);
		if (routedBy != null) {
			span.setAttribute(ROUTED_BY, routedBy.toString());
		}
		this.propagator.inject(Context.current().with(span), message.headers(), Map::put);
		message.onSettled((error) -> {
			if (error != null) {
				failed(span,
						(error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error);
			}
			span.end();
		});
	}

	/**
	 * Starts the CONSUMER span of one delivery attempt, a child of the publisher's
	 * context, current until the delivery settles (so what the handler publishes is its
	 * child).
	 */
	@Override
	public void postProcess(IncomingMessage message) {
		MessageProperties properties = message.properties();
		Context parent = this.propagator.extract(Context.root(), properties.getHeaders(), HEADERS);
		Span span = this.tracer.spanBuilder("process " + message.topic())
			.setParent(parent)
			.setSpanKind(SpanKind.CONSUMER)
			.setAllAttributes(Attributes.builder()
				.put(SYSTEM, "rabbitmq")
				.put(OPERATION_TYPE, "process")
				.put(OPERATION_NAME, "process")
				.put(DESTINATION, this.exchange)
				.put(ROUTING_KEY, message.topic())
				.put(CONSUMER_GROUP, message.group())
				.put(SUBSCRIPTION, message.queue())
				.put(BODY_SIZE, (long) message.body().length)
				.put(ATTEMPT, (long) message.attempt())
				.put(LISTENER, message.listenerId())
				.build())
			.startSpan();
		if (message.messageId() != null) {
			span.setAttribute(MESSAGE_ID, message.messageId());
		}
		Scope scope = span.makeCurrent();
		message.onSettled((outcome) -> {
			try {
				record(span, outcome, message.attempt());
			}
			finally {
				scope.close();
				span.end();
			}
		});
	}

	private static void record(Span span, DeliveryOutcome outcome, int attempt) {
		switch (outcome.kind()) {
			case CONSUMED -> {
			}
			case SKIPPED -> span.addEvent("skipped: " + outcome.reason());
			case RETRIED -> {
				failed(span, outcome.error());
				span.addEvent("retry scheduled", Attributes.of(ATTEMPT, (long) attempt));
			}
			case DEAD_LETTERED -> {
				failed(span, outcome.error());
				span.addEvent("dead-lettered", Attributes.of(FAILURE_REASON, outcome.reason()));
			}
			case REFUSED -> {
				failed(span, outcome.error());
				span.addEvent("refused", Attributes.of(FAILURE_REASON, outcome.reason()));
			}
			case ANSWERED_WITH_ERROR -> failed(span, outcome.error());
		}
	}

	private static void failed(Span span, Throwable error) {
		if (error == null) {
			span.setStatus(StatusCode.ERROR);
			return;
		}
		span.recordException(error);
		span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
		span.setAttribute(ERROR_TYPE, error.getClass().getName());
	}

}

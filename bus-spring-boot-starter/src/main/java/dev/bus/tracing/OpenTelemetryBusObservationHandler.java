package dev.bus.tracing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.Observation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

import dev.bus.DeliveryOutcome;
import dev.bus.core.BusHeaders;
import dev.bus.observation.BusDeliveryObservationContext;
import dev.bus.observation.BusObservationHandler;
import dev.bus.observation.BusPublishObservationContext;

/**
 * Bus's spans, from its observations, with the application's {@link OpenTelemetry}: a
 * PRODUCER span per publish ({@code bus.publish}: messages, requests and replies) and a
 * CONSUMER span per delivery attempt ({@code bus.delivery}: to a listener, or a reply to
 * a request), attributed per the OpenTelemetry messaging semantic conventions (the name
 * as the observation's convention gives it, {@code publish <topic>} and
 * {@code process <topic>} by default). The context travels in the message: the publish's
 * is written, by the application's propagators (W3C {@code traceparent},
 * {@code tracestate}, baggage), into the headers the envelope takes before the publish
 * chain runs; a delivery's parent is read from the delivered headers, so a retry, a
 * replayed dead letter or a message of a batch continues its publisher's trace. A
 * delivery without trace context starts a new trace.
 *
 * <p>
 * The PRODUCER span covers the whole publish, the publish chain included, and ends on the
 * broker's confirm. The CONSUMER span is current on the listener's thread from the
 * delivery's start to its stop (the receive chain and the listener method), so what the
 * method publishes, or any span it starts, is its child; it records how the delivery
 * settled. It is made current here rather than in an observation scope: a delivery's
 * observation starts and stops on the listener's thread, and opening Micrometer's scope
 * (a scope object, a thread-keyed map entry and a thread-local per delivery) was a fifth
 * of Bus's own CPU on the listener's thread in a flight recording of the benchmark's
 * scenario D at 10 % sampling, for nothing a span needs.
 *
 * <p>
 * Why Bus's own handler rather than micrometer-tracing's propagating handlers, which
 * would also take these contexts: those need micrometer-tracing and a bridge, where Bus
 * needs only the OpenTelemetry API (the application's SDK, the Java agent's, or the one
 * Bus sets up), and they carry no messaging attributes. {@link NoSpansForBusObservations}
 * keeps them from making a second span per message.
 */
public class OpenTelemetryBusObservationHandler implements BusObservationHandler {

	/** Instrumentation scope name of Bus's spans. */
	public static final String SCOPE = "dev.bus";

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

	private static final TextMapSetter<BusPublishObservationContext> TRACE_HEADERS = (context, name,
			value) -> context.getSetter().set(context.getCarrier(), name, value);

	private static final TextMapGetter<BusDeliveryObservationContext> DELIVERED_HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(BusDeliveryObservationContext context) {
			return context.getCarrier().keySet();
		}

		@Override
		public String get(BusDeliveryObservationContext context, String name) {
			return (context != null) ? context.getGetter().get(context.getCarrier(), name) : null;
		}

	};

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final String exchange;

	/** The attributes every publish span has, made once. */
	private final Attributes publishAttributes;

	private final Map<String, Attributes> listenerAttributes = new ConcurrentHashMap<>();

	/**
	 * @param openTelemetry the application's
	 * @param exchange the bus exchange ({@code messaging.destination.name})
	 */
	public OpenTelemetryBusObservationHandler(OpenTelemetry openTelemetry, String exchange) {
		this.tracer = openTelemetry.getTracer(SCOPE);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.exchange = exchange;
		this.publishAttributes = Attributes.of(SYSTEM, "rabbitmq", OPERATION_TYPE, "send", OPERATION_NAME, "publish",
				DESTINATION, exchange);
	}

	/**
	 * What every delivery span of a listener has, made once per listener ({@code reply}
	 * for replies): its queue and group do not change.
	 */
	private Attributes listenerAttributes(BusDeliveryObservationContext context) {
		AttributesBuilder attributes = Attributes.builder()
			.put(SYSTEM, "rabbitmq")
			.put(OPERATION_TYPE, "process")
			.put(OPERATION_NAME, "process")
			.put(DESTINATION, this.exchange)
			.put(SUBSCRIPTION, context.queue())
			.put(LISTENER, context.listener());
		if (context.group() != null) {
			attributes.put(CONSUMER_GROUP, context.group());
		}
		return attributes.build();
	}

	@Override
	public void onStart(Observation.Context context) {
		if (context instanceof BusPublishObservationContext publish) {
			publishStarted(publish);
		}
		else if (context instanceof BusDeliveryObservationContext delivery) {
			deliveryStarted(delivery);
		}
	}

	/**
	 * Starts the PRODUCER span, a child of the current context, and writes its context
	 * into the headers the envelope takes.
	 */
	private void publishStarted(BusPublishObservationContext context) {
		// Attributes on the builder, not on the started span: the SDK's span takes a lock
		// per attribute set (it has no bulk set), which cost more at full sampling than
		// skipping them for spans not sampled saved (benchmark, scenario D).
		SpanBuilder builder = this.tracer.spanBuilder("publish " + context.topic())
			.setSpanKind(SpanKind.PRODUCER)
			.setAllAttributes(this.publishAttributes)
			.setAttribute(ROUTING_KEY, context.topic());
		if (context.messageId() != null) {
			builder.setAttribute(MESSAGE_ID, context.messageId());
		}
		Object routedBy = context.message().headers().get(BusHeaders.ROUTED_BY);
		if (routedBy != null) {
			builder.setAttribute(ROUTED_BY, routedBy.toString());
		}
		Span span = builder.startSpan();
		context.put(Span.class, span);
		this.propagator.inject(Context.current().with(span), context, TRACE_HEADERS);
	}

	/**
	 * Starts the CONSUMER span of one delivery attempt, a child of the sender's context.
	 */
	private void deliveryStarted(BusDeliveryObservationContext context) {
		Context parent = this.propagator.extract(Context.root(), context, DELIVERED_HEADERS);
		SpanBuilder builder = this.tracer.spanBuilder("process " + context.topic())
			.setParent(parent)
			.setSpanKind(SpanKind.CONSUMER)
			.setAllAttributes(this.listenerAttributes.computeIfAbsent(context.listener(),
					(listener) -> listenerAttributes(context)))
			.setAttribute(ROUTING_KEY, context.topic())
			.setAttribute(BODY_SIZE, (long) context.bodySize())
			.setAttribute(ATTEMPT, (long) context.attempt());
		if (context.messageId() != null) {
			builder.setAttribute(MESSAGE_ID, context.messageId());
		}
		Span span = builder.startSpan();
		context.put(Span.class, span);
		// current on the listener's thread until the observation stops there (also when
		// not sampled: what the listener publishes is then not sampled either)
		context.put(Scope.class, span.makeCurrent());
	}

	/** Records the outcome and ends the span. */
	@Override
	public void onStop(Observation.Context context) {
		Span span = (Span) context.remove(Span.class);
		Scope scope = (Scope) context.remove(Scope.class);
		if (scope != null) {
			scope.close();
		}
		if (span == null) {
			return;
		}
		if (span.isRecording()) {
			recordOutcome(span, context);
		}
		span.end();
	}

	private static void recordOutcome(Span span, Observation.Context context) {
		if (context instanceof BusPublishObservationContext publish) {
			rename(span, context, "publish " + publish.topic());
			if (publish.bodySize() >= 0) {
				span.setAttribute(BODY_SIZE, (long) publish.bodySize());
			}
			if (publish.getError() != null) {
				failed(span, publish.getError());
			}
		}
		else if (context instanceof BusDeliveryObservationContext delivery) {
			rename(span, context, "process " + delivery.topic());
			if (delivery.outcome() != null) {
				record(span, delivery.outcome(), delivery.attempt());
			}
		}
	}

	/**
	 * The observation's contextual name, which its convention gives when it stops
	 * ({@code publish <topic>}, {@code process <topic>} by default).
	 */
	private static void rename(Span span, Observation.Context context, String started) {
		String name = context.getContextualName();
		if (name != null && !name.equals(started)) {
			span.updateName(name);
		}
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

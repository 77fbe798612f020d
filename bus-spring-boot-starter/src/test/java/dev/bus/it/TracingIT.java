package dev.bus.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Received;
import dev.bus.test.Zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across three services, for real: apps A, B and C with the starter export
 * spans over OTLP to a sidecar, which exports them to the real Zipkin server; the test
 * reads the trace back from Zipkin's API. A publishes inside a request span; B handles it
 * and publishes; C handles that, failing its first attempt.
 */
class TracingIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	/** Service B: reserves stock for an order and says so. */
	public static class Reserver {

		@Autowired
		BusPublisher publisher;

		@BusListener(topic = "orders.created")
		void on(String order) {
			this.publisher.publish("stock.reserved", "reserved " + order).join();
		}

	}

	/**
	 * Service C: ships what was reserved; its first attempt fails, the retry succeeds.
	 */
	public static class Shipper {

		final Received<String> shipped = new Received<>();

		final AtomicInteger attempts = new AtomicInteger();

		@BusListener(topic = "stock.reserved", maxAttempts = 3, initialInterval = "1s")
		void on(String reservation) {
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("carrier not answering");
			}
			this.shipped.add(reservation);
		}

	}

	@Test
	void anOrderIsOneTraceAcrossThreeServicesInZipkin() throws Exception {
		Zipkin.requireRunning();
		String exchange = BusContexts.uniqueName("bus-trace");
		String a = BusContexts.uniqueName("orders");
		String b = BusContexts.uniqueName("inventory");
		String c = BusContexts.uniqueName("shipping");
		try (ConfigurableApplicationContext sidecar = zipkinSidecar(a)) {
			String traceId;
			try (ConfigurableApplicationContext orders = traced(exchange, a, sidecar, List.of());
					ConfigurableApplicationContext inventory = traced(exchange, b, sidecar, List.of(Reserver.class));
					ConfigurableApplicationContext shipping = traced(exchange, c, sidecar, List.of(Shipper.class))) {
				this.cleanup.track(inventory);
				this.cleanup.track(shipping);
				BusContexts.awaitConsuming(inventory, shipping);
				// The HTTP request that places the order, as the web instrumentation
				// would open it.
				Span request = orders.getBean(OpenTelemetry.class)
					.getTracer("test")
					.spanBuilder("POST /orders")
					.setSpanKind(SpanKind.SERVER)
					.startSpan();
				try (Scope scope = request.makeCurrent()) {
					orders.getBean(BusPublisher.class).publish("orders.created", "order-1").join();
				}
				finally {
					request.end();
				}
				traceId = request.getSpanContext().getTraceId();
				assertThat(shipping.getBean(Shipper.class).shipped.awaitCount(1)).containsExactly("reserved order-1");
			} // closing the apps flushes their span exporters

			// 1 request + A publish + B process + B publish + C process (failed) + C
			// process (retry)
			JsonNode trace = await().atMost(Duration.ofSeconds(30))
				.until(() -> Zipkin.trace(traceId), (spans) -> spans.size() >= 6);
			assertThat(trace.valueStream().map((span) -> span.path("traceId").asString()).distinct())
				.containsExactly(traceId);
			assertThat(trace.valueStream().map((span) -> span.path("localEndpoint").path("serviceName").asString()))
				.contains(a.toLowerCase(), b.toLowerCase(), c.toLowerCase());

			JsonNode root = only(trace, a, "post /orders");
			JsonNode publishA = only(trace, a, "publish orders.created");
			JsonNode processB = only(trace, b, "process orders.created");
			JsonNode publishB = only(trace, b, "publish stock.reserved");
			List<JsonNode> processC = all(trace, c, "process stock.reserved");
			assertThat(publishA.path("parentId").asString()).isEqualTo(root.path("id").asString());
			assertThat(processB.path("parentId").asString()).isEqualTo(publishA.path("id").asString());
			assertThat(publishB.path("parentId").asString()).isEqualTo(processB.path("id").asString());
			assertThat(processC).hasSize(2)
				.allSatisfy((span) -> assertThat(span.path("parentId").asString())
					.isEqualTo(publishB.path("id").asString()));
			assertThat(publishA.path("kind").asString()).isEqualTo("PRODUCER");
			assertThat(processB.path("kind").asString()).isEqualTo("CONSUMER");

			JsonNode publishTags = publishA.path("tags");
			assertThat(publishTags.path("messaging.system").asString()).isEqualTo("rabbitmq");
			assertThat(publishTags.path("messaging.destination.name").asString()).isEqualTo(exchange);
			assertThat(publishTags.path("messaging.rabbitmq.destination.routing_key").asString())
				.isEqualTo("orders.created");
			assertThat(publishTags.path("messaging.operation.type").asString()).isEqualTo("send");
			assertThat(publishTags.path("messaging.message.id").asString()).isNotEmpty();
			JsonNode processTags = processB.path("tags");
			assertThat(processTags.path("messaging.operation.type").asString()).isEqualTo("process");
			assertThat(processTags.path("messaging.consumer.group.name").asString()).isEqualTo(b);
			assertThat(processTags.path("messaging.message.id").asString())
				.isEqualTo(publishTags.path("messaging.message.id").asString());

			Map<String, JsonNode> attempts = processC.stream()
				.collect(Collectors.toMap((span) -> span.path("tags").path("bus.attempt").asString(),
						Function.identity()));
			assertThat(attempts.get("1").path("tags").path("error.type").asString())
				.isEqualTo(IllegalStateException.class.getName());
			assertThat(attempts.get("1").path("tags").path("otel.status_code").asString()).isEqualTo("ERROR");
			assertThat(attempts.get("2").path("tags").has("error.type")).isFalse();
		}
	}

	/** Answers price questions (request-reply). */
	public static class Pricing {

		@BusListener(topic = "prices.quote")
		String quote(String sku) {
			return "100 cents for " + sku;
		}

	}

	/**
	 * The request, the responder's handling, its reply and the requester's reception of
	 * it: one trace.
	 */
	@Test
	void aRequestAndItsReplyAreOneTrace() throws Exception {
		Zipkin.requireRunning();
		String exchange = BusContexts.uniqueName("bus-trace-rpc");
		String a = BusContexts.uniqueName("shop");
		String b = BusContexts.uniqueName("pricing");
		try (ConfigurableApplicationContext sidecar = zipkinSidecar(a)) {
			String traceId;
			try (ConfigurableApplicationContext shop = traced(exchange, a, sidecar, List.of());
					ConfigurableApplicationContext pricing = traced(exchange, b, sidecar, List.of(Pricing.class))) {
				this.cleanup.track(pricing);
				BusContexts.awaitConsuming(pricing);
				Span request = shop.getBean(OpenTelemetry.class)
					.getTracer("test")
					.spanBuilder("GET /quote")
					.setSpanKind(SpanKind.SERVER)
					.startSpan();
				try (Scope scope = request.makeCurrent()) {
					assertThat(shop.getBean(BusPublisher.class)
						.request("prices.quote", "sku-1", String.class, Duration.ofSeconds(10))
						.join()).isEqualTo("100 cents for sku-1");
				}
				finally {
					request.end();
				}
				traceId = request.getSpanContext().getTraceId();
			} // closing the apps flushes their span exporters

			// 1 request + A publish + B process + B reply + A receives the reply
			JsonNode trace = await().atMost(Duration.ofSeconds(30))
				.until(() -> Zipkin.trace(traceId), (spans) -> spans.size() >= 5);
			JsonNode root = only(trace, a, "get /quote");
			JsonNode publishRequest = only(trace, a, "publish prices.quote");
			JsonNode processRequest = only(trace, b, "process prices.quote");
			JsonNode publishReply = only(trace, b, "publish prices.quote");
			JsonNode processReply = only(trace, a, "process prices.quote");
			assertThat(publishRequest.path("parentId").asString()).isEqualTo(root.path("id").asString());
			assertThat(processRequest.path("parentId").asString()).isEqualTo(publishRequest.path("id").asString());
			assertThat(publishReply.path("parentId").asString()).isEqualTo(processRequest.path("id").asString());
			assertThat(processReply.path("parentId").asString()).isEqualTo(publishReply.path("id").asString());
			assertThat(publishReply.path("kind").asString()).isEqualTo("PRODUCER");
			assertThat(processReply.path("kind").asString()).isEqualTo("CONSUMER");
			assertThat(processReply.path("tags").path("bus.listener").asString()).isEqualTo("reply");
		}
	}

	/** A real sidecar that exports to the real Zipkin, quickly. */
	private static ConfigurableApplicationContext zipkinSidecar(String app) {
		return Sidecars.start("bus.sidecar.app.name=" + app, "bus.sidecar.app.port=1",
				"bus.sidecar.telemetry.exporter=zipkin", "bus.sidecar.telemetry.endpoint=" + Zipkin.SPANS_ENDPOINT,
				"bus.sidecar.telemetry.schedule-delay=100ms");
	}

	/** An app with tracing on, exporting to the sidecar. */
	private static ConfigurableApplicationContext traced(String exchange, String name,
			ConfigurableApplicationContext sidecar, List<Class<?>> sources) {
		return BusContexts.start(exchange, name, sources, "bus.tracing.otlp-endpoint=" + Sidecars.otlpTraces(sidecar),
				"bus.tracing.enabled=true");
	}

	private static JsonNode only(JsonNode trace, String service, String name) {
		List<JsonNode> spans = all(trace, service, name);
		assertThat(spans).as(service + " / " + name + " in " + trace).hasSize(1);
		return spans.get(0);
	}

	private static List<JsonNode> all(JsonNode trace, String service, String name) {
		return trace.valueStream()
			.filter((span) -> span.path("localEndpoint").path("serviceName").asString().equals(service.toLowerCase())
					&& span.path("name").asString().equals(name))
			.toList();
	}

}

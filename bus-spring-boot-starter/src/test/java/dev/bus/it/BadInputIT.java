package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input never reaches user code and is never lost: each kind goes to the dead-letter
 * queue with its reason, and the listener keeps consuming.
 */
class BadInputIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Shipment(String id, int parcels) {
	}

	static class Shipments {

		final Received<Shipment> handled = new Received<>();

		@BusListener(topic = "shipments.sent")
		void on(Shipment shipment) {
			if (shipment.parcels() < 0) {
				throw new IllegalArgumentException("negative parcels: " + "x".repeat(5000));
			}
			this.handled.add(shipment);
		}

	}

	@Test
	void eachKindOfBadInputIsDeadLetteredWithItsReasonAndConsumingGoesOn() throws Exception {
		String exchange = BusContexts.uniqueName("bus-bad");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("shipping"),
				List.of(Shipments.class), "bus.listener.max-message-size=1KB",
				"bus.listener.failure-message-max-length=200", "bus.listener.retry.initial-interval=100ms");
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			String deadLetterQueue = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();

			publishRaw(rabbit, exchange, "malformed", "application/json", "{\"id\": \"s-1\", parcels");
			publishRaw(rabbit, exchange, "mismatch", "application/json", "{\"id\": \"s-2\", \"parcels\": \"many\"}");
			publishRaw(rabbit, exchange, "xml", "application/xml", "<shipment id=\"s-3\"/>");
			publishRaw(rabbit, exchange, "oversize", "application/json",
					"{\"id\": \"" + "s".repeat(2000) + "\", \"parcels\": 1}");
			publishRaw(rabbit, exchange, "empty", "application/json", "");
			publishRaw(rabbit, exchange, "untyped", null, "{\"id\": \"s-4\", parcels");
			BusPublisher publisher = context.getBean(BusPublisher.class);
			publisher.publish("shipments.sent", new Shipment("s-bad", -1)).join();
			publisher.publish("shipments.sent", new Shipment("s-good", 2)).join();

			assertThat(context.getBean(Shipments.class).handled.awaitCount(1))
				.as("only the good message reaches the method")
				.containsExactly(new Shipment("s-good", 2));
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetterQueue) == 7);

			Map<String, GetResponse> deadLetters = new HashMap<>();
			for (int i = 0; i < 7; i++) {
				GetResponse response = rabbit.get(deadLetterQueue);
				String id = response.getProps().getMessageId();
				deadLetters.put((id != null && id.length() > 20) ? "handler" : id, response);
			}
			assertThat(reason(deadLetters.get("malformed"))).isEqualTo("malformed-payload");
			assertThat(reason(deadLetters.get("mismatch"))).isEqualTo("payload-type-mismatch");
			assertThat(reason(deadLetters.get("xml"))).isEqualTo("unsupported-content-type");
			assertThat(reason(deadLetters.get("oversize"))).isEqualTo("oversize");
			assertThat(reason(deadLetters.get("empty"))).isEqualTo("empty-body");
			assertThat(reason(deadLetters.get("untyped"))).as("no content type is read as JSON")
				.isEqualTo("malformed-payload");
			assertThat(deadLetters.get("untyped").getProps().getContentType())
				.as("a dead letter keeps the publisher's (missing) content type")
				.isNull();
			assertThat(deadLetters.get("xml").getProps().getContentType()).isEqualTo("application/xml");

			GetResponse handlerFailure = deadLetters.get("handler");
			Map<String, Object> headers = handlerFailure.getProps().getHeaders();
			assertThat(reason(handlerFailure)).isEqualTo("handler-failed");
			assertThat(headers.get(BusHeaders.FAILURE_EXCEPTION)).hasToString(IllegalArgumentException.class.getName());
			assertThat(headers.get(BusHeaders.FAILURE_MESSAGE).toString()).startsWith("negative parcels")
				.as("exception message cut to the configured bound")
				.hasSize(203);
			assertThat(headers.get(BusHeaders.ORIGINAL_TOPIC)).hasToString("shipments.sent");
			assertThat(headers).containsKeys(BusHeaders.FIRST_FAILURE_TIME, BusHeaders.LAST_FAILURE_TIME,
					BusHeaders.ORIGINAL_QUEUE);
			assertThat(headers.get(BusHeaders.ATTEMPT)).as("dead-lettered after the default 3 attempts")
				.hasToString("3");
			assertThat(deadLetters.get("malformed").getProps().getHeaders().get(BusHeaders.ATTEMPT))
				.as("bad input is never retried")
				.hasToString("1");
			assertThat(new String(handlerFailure.getBody(), StandardCharsets.UTF_8)).as("the original body is kept")
				.isEqualTo("{\"id\":\"s-bad\",\"parcels\":-1}");
			assertThat(handlerFailure.getProps().getDeliveryMode()).isEqualTo(2);

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("bus.delivery").tag("outcome", "dead-lettered").timers()).as("one timer per reason")
				.hasSize(6);
			assertThat(meters.get("bus.delivery")
				.tags("outcome", "dead-lettered", "reason", "malformed-payload")
				.timer()
				.count()).isEqualTo(2);
			assertThat(
					meters.get("bus.delivery").tags("outcome", "dead-lettered", "reason", "oversize").timer().count())
				.isEqualTo(1);
			assertThat(meters.get("bus.delivery").tag("outcome", "consumed").timer().count()).isEqualTo(1);
		}
	}

	private static void publishRaw(Rabbit rabbit, String exchange, String messageId, String contentType, String body)
			throws Exception {
		rabbit.publish(exchange, "shipments.sent",
				new AMQP.BasicProperties.Builder().messageId(messageId).contentType(contentType).build(),
				body.getBytes(StandardCharsets.UTF_8));
	}

	private static String reason(GetResponse response) {
		return String.valueOf(response.getProps().getHeaders().get(BusHeaders.FAILURE_REASON));
	}

}

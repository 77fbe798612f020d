package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.cloudevents.CloudEvent;
import io.cloudevents.spring.messaging.CloudEventMessageConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.support.converter.MessagingMessageConverter;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.Message;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.core.MessageIds;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interop with plain AMQP clients, both ways, on an exchange that already exists.
 */
@ExtendWith(OutputCaptureExtension.class)
class InteropIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Signup(String email, boolean newsletter) {
	}

	static class Signups {

		final Received<BusMessage<Signup>> received = new Received<>();

		@BusListener(topic = "users.signed-up")
		void on(BusMessage<Signup> message) {
			this.received.add(message);
		}

	}

	/**
	 * With {@code bus.publisher.cloud-events.headers} on, the CloudEvents SDK's Spring
	 * messaging converter reads a Bus message as spring-amqp hands it to a
	 * {@code Message<?>} listener; and a Bus listener reads a message that carries
	 * CloudEvents headers only (as another CloudEvents publisher sends it).
	 */
	@Test
	void theCloudEventsSdkReadsABusMessageWithCloudEventsHeadersAndBusReadsTheirs() throws Exception {
		String exchange = BusContexts.uniqueName("bus-cloudevents");
		try (Rabbit rabbit = Rabbit.connect();
				ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("crm"),
						List.of(Signups.class), "bus.publisher.cloud-events.headers=true")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			String queue = BusContexts.uniqueName("cloudevents-consumer");
			this.cleanup.queue(queue);
			rabbit.declareQueueBoundTo(queue, exchange, "users.#");
			String id = context.getBean(BusPublisher.class)
				.publish(OutboundMessage.builder("users.signed-up", new Signup("bob@example.com", false))
					.type("users.signed-up.v1")
					.subject("bob")
					.build())
				.join()
				.messageId();
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue) == 1);
			GetResponse response = rabbit.get(queue);
			org.springframework.amqp.core.Message amqp = new org.springframework.amqp.core.Message(response.getBody(),
					new DefaultMessagePropertiesConverter().toMessageProperties(response.getProps(),
							response.getEnvelope(), "UTF-8"));
			Message<?> message = (Message<?>) new MessagingMessageConverter().fromMessage(amqp);
			CloudEvent event = (CloudEvent) new CloudEventMessageConverter().fromMessage(message, CloudEvent.class);
			assertThat(event).isNotNull();
			assertThat(event.getId()).isEqualTo(id);
			assertThat(event.getType()).isEqualTo("users.signed-up.v1");
			assertThat(event.getSource())
				.hasToString("/" + context.getEnvironment().getProperty("spring.application.name"));
			assertThat(event.getSubject()).isEqualTo("bob");
			assertThat(event.getTime()).isNotNull();
			assertThat(event.getDataContentType()).isEqualTo("application/json");
			assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8))
				.isEqualTo("{\"email\":\"bob@example.com\",\"newsletter\":false}");

			// Another CloudEvents publisher: the attributes in headers only, under the
			// AMQP binding's prefix.
			Map<String, Object> headers = new HashMap<>();
			headers.put("cloudEvents:specversion", "1.0");
			headers.put("cloudEvents:id", "ce-7");
			headers.put("cloudEvents:source", "/legacy-crm");
			headers.put("cloudEvents:type", "users.signed-up.v0");
			headers.put("cloudEvents:time", "2026-11-28T10:15:30.123Z");
			rabbit.publish(exchange, "users.signed-up",
					new AMQP.BasicProperties.Builder().contentType("application/json").headers(headers).build(),
					"{\"email\":\"eve@example.com\",\"newsletter\":true}".getBytes(StandardCharsets.UTF_8));
			BusMessage<Signup> theirs = context.getBean(Signups.class).received.awaitCount(2)
				.stream()
				.filter((received) -> "ce-7".equals(received.messageId()))
				.findFirst()
				.orElseThrow();
			assertThat(theirs.type()).isEqualTo("users.signed-up.v0");
			assertThat(theirs.source()).isEqualTo("/legacy-crm");
			assertThat(theirs.time()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123Z"));
		}
	}

	@Test
	void aPlainAmqpPublisherReachesListenersAndPlainConsumersReadWhatBusPublishes() throws Exception {
		String exchange = BusContexts.uniqueName("bus-interop");
		try (Rabbit rabbit = Rabbit.connect()) {
			// An exchange some other team already runs; Bus is pointed at it by name.
			rabbit.declareTopicExchange(exchange);
			try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("crm"),
					List.of(Signups.class))) {
				this.cleanup.track(context);
				BusContexts.awaitConsuming(context);

				// As a Python or Node client would: JSON, a routing key, no properties or
				// headers at all.
				byte[] body = "{\"email\":\"ada@example.com\",\"newsletter\":true}".getBytes(StandardCharsets.UTF_8);
				rabbit.publish(exchange, "users.signed-up", new AMQP.BasicProperties(), body);
				BusMessage<Signup> received = context.getBean(Signups.class).received.awaitCount(1).get(0);
				assertThat(received.payload()).isEqualTo(new Signup("ada@example.com", true));
				assertThat(received.messageId()).as("derived from the topic and body, for the inbox")
					.isEqualTo(MessageIds.fromContent("users.signed-up", body));
				assertThat(received.type()).as("no type: the topic").isEqualTo("users.signed-up");
				assertThat(received.attempt()).isEqualTo(1);

				// And the other way: a plain consumer reads what Bus publishes without
				// knowing Bus.
				String plainQueue = BusContexts.uniqueName("plain-consumer");
				rabbit.declareQueueBoundTo(plainQueue, exchange, "users.#");
				context.getBean(BusPublisher.class)
					.publish(OutboundMessage.builder("users.signed-up", new Signup("bob@example.com", false))
						.type("users.signed-up.v1")
						.build())
					.join();
				await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(plainQueue) == 1);
				GetResponse plain = rabbit.get(plainQueue);
				assertThat(new String(plain.getBody(), StandardCharsets.UTF_8))
					.isEqualTo("{\"email\":\"bob@example.com\",\"newsletter\":false}");
				AMQP.BasicProperties properties = plain.getProps();
				assertThat(properties.getContentType()).isEqualTo("application/json");
				assertThat(properties.getType()).isEqualTo("users.signed-up.v1");
				assertThat(properties.getDeliveryMode()).isEqualTo(2);
				assertThat(properties.getMessageId()).isNotBlank();
				assertThat(properties.getAppId()).as("the CloudEvents source").startsWith("/");
				assertThat(properties.getTimestamp()).isNotNull();
				// Each fact once, in its property: no header repeats them (and no Java
				// class name anywhere).
				assertThat(properties.getHeaders()).as("no header table").isNull();
			}
		}
	}

	@Test
	void anExistingExchangeOfTheWrongKindGivesOneClearErrorAndAnUnhealthyApp(CapturedOutput output) throws Exception {
		String exchange = BusContexts.uniqueName("bus-interop-transient");
		try (Rabbit rabbit = Rabbit.connect()) {
			rabbit.declareTransientTopicExchange(exchange);
			try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("crm"),
					List.of(Signups.class))) {
				this.cleanup.track(context);
				BusListenersHealthIndicator health = context.getBean(BusListenersHealthIndicator.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> health.health(true).getDetails().containsKey("exchange"));
				assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.health(true).getDetails().get("exchange").toString())
					.contains("durable topic exchange")
					.contains("bus.exchange")
					.contains("durable=True");
				// A second connection (the publisher's) declares again: still one line.
				RabbitAdmin admin = context.getBean("busAmqpAdmin", RabbitAdmin.class);
				Object firstRefusal = admin.getLastDeclarationExceptionEvent();
				context.getBean(BusPublisher.class).publish("users.signed-up", new Signup("c@example.com", true));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> admin.getLastDeclarationExceptionEvent() != firstRefusal);
				assertThat(output.getAll().lines().filter((line) -> line.contains("Cannot use the bus exchange")))
					.hasSize(1);
			}
		}
	}

}

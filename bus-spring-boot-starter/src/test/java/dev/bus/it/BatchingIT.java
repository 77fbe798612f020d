package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.publisher.BatchingBusPublisher;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batching round trip: many logical messages travel in few AMQP messages, arrive one by
 * one with their own metadata, and are filtered and dead-lettered one by one.
 */
class BatchingIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Reading(int sensor, int value) {
	}

	static class Readings {

		final Received<BusMessage<Reading>> handled = new Received<>();

		@BusListener(topic = "sensors.read", filter = "payload.sensor != 7")
		void on(BusMessage<Reading> message) {
			if (message.payload().value() < 0) {
				throw new IllegalStateException("negative reading");
			}
			this.handled.add(message);
		}

	}

	@Test
	void batchedMessagesArriveSeparatelyAndAreSettledOneByOne() throws Exception {
		String exchange = BusContexts.uniqueName("bus-batch");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("sensors"),
				List.of(Readings.class), "bus.publisher.batching.enabled=true", "bus.publisher.batching.max-size=4KB",
				"bus.publisher.batching.linger=20ms", "bus.listener.retry.initial-interval=100ms");
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			assertThat(publisher).isInstanceOf(BatchingBusPublisher.class);

			int total = 1000;
			List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
			for (int i = 0; i < total; i++) {
				int sensor = i % 10;
				int value = (i == 500) ? -1 : i;
				receipts.add(publisher.publish(OutboundMessage.builder("sensors.read", new Reading(sensor, value))
					.messageId("reading-" + i)
					.partitionKey("sensor-" + sensor)
					.build()));
			}
			CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
			assertThat(receipts).allSatisfy((receipt) -> assertThat(receipt).isCompleted());

			// sensor 7 is filtered (100 messages), reading 500 (sensor 0) fails: 899
			// handled
			Received<BusMessage<Reading>> handled = context.getBean(Readings.class).handled;
			handled.awaitCount(899);
			assertThat(new HashSet<>(handled.items().stream().map(BusMessage::messageId).toList())).hasSize(899);
			BusMessage<Reading> sample = handled.items()
				.stream()
				.filter((message) -> message.messageId().equals("reading-42"))
				.findFirst()
				.orElseThrow();
			assertThat(sample.payload()).isEqualTo(new Reading(2, 42));
			assertThat(sample.partitionKey()).isEqualTo("sensor-2");
			assertThat(sample.source()).as("the batch entry's app_id").startsWith("/");
			assertThat(sample.time()).isNotNull();

			String deadLetterQueue = context.getBean(dev.bus.listener.BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetterQueue) == 1);
			GetResponse deadLetter = rabbit.get(deadLetterQueue);
			assertThat(deadLetter.getProps().getMessageId()).as("only the failed logical message is dead-lettered")
				.isEqualTo("reading-500");
			assertThat(new String(deadLetter.getBody())).isEqualTo("{\"sensor\":0,\"value\":-1}");
			assertThat(deadLetter.getProps().getHeaders().get(BusHeaders.FAILURE_REASON)).hasToString("handler-failed");

			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("bus.delivery").tags("outcome", "skipped", "reason", "filtered").timer().count())
				.isEqualTo(100);
			assertThat(rabbit.messageCount(context.getBean(dev.bus.listener.BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.queue())).isZero();
		}
	}

}

package dev.bus.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.PublishedTopics;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries wait on the broker, not on the consumer: other messages flow while one is in
 * backoff; the attempt is visible to the handler; after the last attempt the message is
 * dead-lettered with its history.
 */
class RetryIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class FlakyInvoices {

		final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

		final Received<String> attempts = new Received<>();

		final Received<String> handled = new Received<>();

		final Map<String, Instant> handledAt = new ConcurrentHashMap<>();

		@BusListener(topic = "invoices.issued", concurrency = "1", maxAttempts = 3, initialInterval = "1s",
				multiplier = 2, noRetryFor = IllegalArgumentException.class)
		void on(BusMessage<String> message) {
			String id = message.payload();
			this.attempts.add(id + "#" + message.attempt());
			if (id.startsWith("invalid")) {
				throw new IllegalArgumentException("not retryable: " + id);
			}
			AtomicInteger left = this.failuresLeft.get(id);
			if (left != null && left.getAndDecrement() > 0) {
				throw new IllegalStateException("temporarily failing " + id);
			}
			this.handled.add(id);
			this.handledAt.put(id, Instant.now());
		}

	}

	@Test
	void retriesWaitOnTheBrokerAndCountAttemptsThenDeadLetter() throws Exception {
		String exchange = BusContexts.uniqueName("bus-retry");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("billing"),
				List.of(FlakyInvoices.class)); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusListenerDefinition listener = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition();
			BusContexts.awaitConsuming(context);
			FlakyInvoices invoices = context.getBean(FlakyInvoices.class);
			invoices.failuresLeft.put("flaky", new AtomicInteger(2));
			invoices.failuresLeft.put("broken", new AtomicInteger(Integer.MAX_VALUE));

			BusPublisher publisher = context.getBean(BusPublisher.class);
			Instant start = Instant.now();
			publisher.publish("invoices.issued", "flaky").join();
			publisher.publish("invoices.issued", "broken").join();
			publisher.publish("invoices.issued", "invalid-1").join();
			for (int i = 0; i < 50; i++) {
				publisher.publish("invoices.issued", "ok-" + i).join();
			}

			// One consumer thread, yet the 50 good ones are done long before the first
			// retry is due (1 s).
			await().atMost(Duration.ofSeconds(10)).until(() -> invoices.handled.size() >= 50);
			assertThat(invoices.handled.items()).filteredOn((id) -> id.startsWith("ok-")).hasSize(50);
			assertThat(invoices.handledAt.get("ok-49")).isBefore(start.plusSeconds(1));

			// flaky: attempts 1 and 2 fail, 3 succeeds after 1 s + 2 s of backoff.
			await().atMost(Duration.ofSeconds(15)).until(() -> invoices.handledAt.containsKey("flaky"));
			assertThat(invoices.attempts.items()).filteredOn((attempt) -> attempt.startsWith("flaky#"))
				.containsExactly("flaky#1", "flaky#2", "flaky#3");
			assertThat(Duration.between(start, invoices.handledAt.get("flaky")))
				.isGreaterThanOrEqualTo(Duration.ofMillis(2900));

			// broken: three attempts, then the DLQ, with its history; invalid: straight
			// to the DLQ.
			await().atMost(Duration.ofSeconds(15)).until(() -> rabbit.messageCount(listener.deadLetterQueue()) == 2);
			assertThat(invoices.attempts.items()).filteredOn((attempt) -> attempt.startsWith("broken#"))
				.containsExactly("broken#1", "broken#2", "broken#3");
			assertThat(invoices.attempts.items()).filteredOn((attempt) -> attempt.startsWith("invalid-1#"))
				.containsExactly("invalid-1#1");
			for (int i = 0; i < 2; i++) {
				GetResponse deadLetter = rabbit.get(listener.deadLetterQueue());
				Map<String, Object> headers = deadLetter.getProps().getHeaders();
				String body = new String(deadLetter.getBody());
				assertThat(headers.get(BusHeaders.ORIGINAL_TOPIC)).hasToString("invoices.issued");
				if (body.contains("broken")) {
					assertThat(headers.get(BusHeaders.ATTEMPT)).hasToString("3");
					assertThat(headers.get(BusHeaders.FAILURE_EXCEPTION))
						.hasToString(IllegalStateException.class.getName());
					Instant first = Instant.parse(headers.get(BusHeaders.FIRST_FAILURE_TIME).toString());
					Instant last = Instant.parse(headers.get(BusHeaders.LAST_FAILURE_TIME).toString());
					assertThat(Duration.between(first, last)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
				}
				else {
					assertThat(body).contains("invalid-1");
					assertThat(headers.get(BusHeaders.ATTEMPT)).hasToString("1");
					assertThat(headers.get(BusHeaders.FAILURE_EXCEPTION))
						.hasToString(IllegalArgumentException.class.getName());
				}
			}
			assertThat(rabbit.messageCount(listener.queue())).isZero();
			assertThat(context.getBean(PublishedTopics.class).sorted())
				.as("delay and dead-letter queues are not topics")
				.containsExactly("invoices.issued");
		}
	}

}

package dev.bus.it;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idempotent listeners: a message id processed once is acked and skipped when it comes
 * again; a failed attempt is not remembered, so its retry still runs.
 */
class InboxIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Ledger {

		final Received<String> booked = new Received<>();

		final Received<String> audited = new Received<>();

		final AtomicBoolean failOnce = new AtomicBoolean(true);

		@BusListener(topic = "payments.captured", idempotent = true, initialInterval = "100ms")
		void book(BusMessage<String> message) {
			if (message.payload().equals("flaky") && this.failOnce.getAndSet(false)) {
				throw new IllegalStateException("database busy");
			}
			this.booked.add(message.messageId());
		}

		@BusListener(topic = "payments.captured", group = "audit")
		void audit(BusMessage<String> message) {
			this.audited.add(message.messageId());
		}

	}

	@Test
	void duplicatesAreSkippedAndCountedWhileRetriesStillRun() {
		String exchange = BusContexts.uniqueName("bus-inbox");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("ledger"),
				List.of(Ledger.class))) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (String id : List.of("p-1", "p-2", "p-1", "p-3", "p-1", "p-2")) {
				publisher.publish(OutboundMessage.builder("payments.captured", "amount").messageId(id).build()).join();
			}
			publisher.publish(OutboundMessage.builder("payments.captured", "flaky").messageId("p-4").build()).join();

			Ledger ledger = context.getBean(Ledger.class);
			assertThat(ledger.audited.awaitCount(7)).as("a listener that is not idempotent sees every delivery")
				.hasSize(7);
			assertThat(ledger.booked.awaitCount(4)).containsExactlyInAnyOrder("p-1", "p-2", "p-3", "p-4");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().untilAsserted(() -> assertThat(meters.get("bus.delivery")
				.tags("reason", "duplicate", "listener", "inboxIT.Ledger.book")
				.timer()
				.count()).isEqualTo(3));
			assertThat(ledger.booked.items()).hasSize(4);
		}
	}

}

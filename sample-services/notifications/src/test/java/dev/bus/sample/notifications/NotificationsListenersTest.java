package dev.bus.sample.notifications;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

import dev.bus.testkit.AutoConfigureBusTest;
import dev.bus.testkit.BusTestHarness;
import dev.bus.testkit.Delivery;
import dev.bus.testkit.security.OtherServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notifications service's listener, in-process: a reservation from inventory, and its
 * request back to inventory, which an inventory of the test's own answers.
 */
@SpringBootTest(classes = NotificationsApplication.class,
		properties = { "spring.config.name=notifications", "bus.test.broker.user=notifications",
				"bus.test.issuer.scopes=bus.publish:inventory.reservation-query",
				"bus.listener.retry.initial-interval=10ms" })
// in-process nothing connects: no client certificate to load
@TestPropertySource(properties = { "spring.ssl.bundle.pem.bus-client.keystore.certificate=",
		"spring.ssl.bundle.pem.bus-client.keystore.private-key=",
		"spring.ssl.bundle.pem.bus-client.truststore.certificate=" })
@AutoConfigureBusTest(inProcess = true)
class NotificationsListenersTest {

	@Autowired
	BusTestHarness harness;

	@Autowired
	OtherServices services;

	@Test
	void aReservationIsNotifiedWithWhatInventoryAnswers() {
		this.services.named("inventory")
			.answers("inventory.reservation-query", ReservationQuery.class,
					(query) -> new Reservation(query.orderId(), List.of(new Reservation.Line("sku-1", 2))));
		this.services.named("inventory").publish("notifications.stock-reserved", new StockReserved("o-1", 2));

		Delivery delivery = this.harness.delivered("notifications.stock-reserved").await();
		assertThat(delivery.payload(StockReserved.class)).isEqualTo(new StockReserved("o-1", 2));
		assertThat(delivery.message().publisher().subject()).isEqualTo("inventory");
	}

	@Test
	void whenInventoryCannotAnswerTheNotificationIsRetriedThenDeadLettered() {
		this.services.named("inventory").answers("inventory.reservation-query", ReservationQuery.class, (query) -> {
			throw new IllegalStateException("ledger offline");
		});
		this.services.named("inventory").publish("notifications.stock-reserved", new StockReserved("o-2", 1));

		Delivery deadLettered = this.harness.deadLettered("notifications.stock-reserved").await();
		assertThat(deadLettered.reason()).isEqualTo("handler-failed");
		assertThat(deadLettered.error()).hasMessageContaining("ledger offline");
	}

	@Test
	void aReservationFromAnyoneButInventoryIsRefused() {
		this.services.named("orders").publish("notifications.stock-reserved", new StockReserved("o-3", 1));

		assertThat(this.harness.deadLettered("notifications.stock-reserved").await().reason()).isEqualTo("forbidden");
	}

}

package dev.bus.sample.inventory;

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
 * The inventory service's listeners and publishes, in-process: its own configuration
 * (encrypted orders, per-message tokens on every topic, publishers restricted), with no
 * broker, no issuer and no certificates.
 */
@SpringBootTest(classes = InventoryApplication.class,
		properties = { "spring.config.name=inventory", "bus.test.broker.user=inventory",
				"bus.test.issuer.scopes=bus.publish:inventory.reservation-query,bus.publish:inventory.reserved",
				"bus.listener.retry.initial-interval=10ms" })
// in-process nothing connects: no client certificate to load
@TestPropertySource(properties = { "spring.ssl.bundle.pem.bus-client.keystore.certificate=",
		"spring.ssl.bundle.pem.bus-client.keystore.private-key=",
		"spring.ssl.bundle.pem.bus-client.truststore.certificate=" })
@AutoConfigureBusTest(inProcess = true)
class InventoryListenersTest {

	@Autowired
	BusTestHarness harness;

	@Autowired
	OtherServices services;

	@Test
	void anOrderFromTheOrdersServiceReservesStockAndReportsIt() {
		OrderCreated order = new OrderCreated("o-1", "us", List.of(new OrderCreated.Line("sku-1", 3)));
		this.services.named("orders").consumes("inventory.reserved");
		this.services.named("orders").withScopes("bus.publish:orders.created").publish("orders.created", order);

		assertThat(this.harness.published("inventory.reserved", StockReservations.StockReserved.class).await())
			.isEqualTo(new StockReservations.StockReserved("o-1", 3));
		assertThat(this.harness.skipped("orders.created").withReason("filtered").await().listener())
			.as("not an EU order: the audit listener's filter skips it")
			.contains("auditEu");
	}

	@Test
	void anOrderFromAnyOtherServiceIsRefused() {
		OrderCreated order = new OrderCreated("o-2", "eu", List.of(new OrderCreated.Line("sku-1", 1)));
		this.services.named("shipping").withScopes("bus.publish:orders.created").publish("orders.created", order);

		Delivery refused = this.harness.deadLettered("orders.created").withReason("forbidden").await();
		assertThat(refused.error()).hasMessageContaining("shipping");
		assertThat(this.harness.delivered("orders.created").await().listener())
			.as("the EU audit takes orders from any publisher")
			.contains("auditEu");
		assertThat(this.harness.published("inventory.reserved").messages()).isEmpty();
	}

	@Test
	void anOrderTheStockCannotTakeIsRetriedThenDeadLettered() {
		OrderCreated order = new OrderCreated("o-3", "us", List.of(new OrderCreated.Line("sku-1", 0)));
		this.services.named("orders").withScopes("bus.publish:orders.created").publish("orders.created", order);

		Delivery deadLettered = this.harness.deadLettered("orders.created").withReason("handler-failed").await();
		assertThat(deadLettered.error()).hasMessage("quantity must be positive for sku-1");
		assertThat(this.harness.retried("orders.created").list()).isNotEmpty();
	}

}

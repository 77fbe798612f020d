package dev.bus.sample.orders;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

import dev.bus.testkit.AutoConfigureBusTest;
import dev.bus.testkit.BusTestHarness;
import dev.bus.testkit.PlainClient;
import dev.bus.testkit.PublishedMessage;
import dev.bus.testkit.security.OtherServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orders service's publish and listeners, in-process: an order placed is published
 * encrypted with its customer as partition key; inventory's reservations are taken from
 * inventory only; the invoicing service (Python, no Bus headers) is read as it is.
 */
@SpringBootTest(classes = OrdersApplication.class,
		properties = { "spring.config.name=orders", "bus.test.broker.user=orders",
				"bus.test.issuer.scopes=bus.publish:orders.created" })
// in-process nothing connects: no client certificate to load
@TestPropertySource(properties = { "spring.ssl.bundle.pem.bus-client.keystore.certificate=",
		"spring.ssl.bundle.pem.bus-client.keystore.private-key=",
		"spring.ssl.bundle.pem.bus-client.truststore.certificate=" })
@AutoConfigureBusTest(inProcess = true)
class OrdersListenersTest {

	@Autowired
	BusTestHarness harness;

	@Autowired
	OtherServices services;

	@Autowired
	PlainClient plainClient;

	@Autowired
	OrderController orders;

	@Test
	void aPlacedOrderIsPublishedWithItsCustomerAsPartitionKey() {
		this.services.named("inventory").consumes("orders.created");
		this.orders.place(new OrderController.PlaceOrder("c-7", "eu", List.of(new OrderCreated.OrderLine("sku-1", 2))))
			.join();

		PublishedMessage<OrderCreated> published = this.harness.published("orders.created", OrderCreated.class)
			.awaitMessage();
		assertThat(published.payload().customerId()).isEqualTo("c-7");
		assertThat(published.headers()).containsEntry("region", "eu");
	}

	@Test
	void reservationsAreTakenFromInventoryOnly() {
		this.services.named("inventory").publish("inventory.reserved", new StockReserved("o-1", 3));
		this.services.named("shipping").publish("inventory.reserved", new StockReserved("o-2", 3));

		assertThat(this.harness.delivered("inventory.reserved").await().payload(StockReserved.class).orderId())
			.isEqualTo("o-1");
		assertThat(this.harness.deadLettered("inventory.reserved").withReason("forbidden").await().error())
			.hasMessageContaining("shipping");
	}

	@Test
	void theInvoicingServicesPlainJsonIsRead() {
		this.plainClient.publish("invoice.issued", "{\"orderId\":\"o-4\",\"carrier\":\"dhl\",\"amountCents\":1299}");

		assertThat(this.harness.delivered("invoice.issued").await().payload(InvoiceListener.Invoice.class))
			.isEqualTo(new InvoiceListener.Invoice("o-4", "dhl", 1299));
	}

}

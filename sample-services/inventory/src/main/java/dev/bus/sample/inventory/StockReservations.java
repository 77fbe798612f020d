package dev.bus.sample.inventory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.annotation.BusPublishes;

/**
 * Reserves stock for each order, in order per customer (the orders service uses the
 * customer as partition key), and publishes {@code inventory.reserved}. A failure here
 * sends the order to {@code inventory.orders.created.dlq}. Every message is verified
 * before it gets here: its per-message token proves it came from the orders service.
 */
@Component
@BusPublishes(topic = "inventory.reserved", payload = StockReservations.StockReserved.class,
		description = "Stock reserved for an order: the units set aside")
class StockReservations {

	private static final Log logger = LogFactory.getLog(StockReservations.class);

	private final Stock stock;

	private final BusPublisher publisher;

	StockReservations(Stock stock, BusPublisher publisher) {
		this.stock = stock;
		this.publisher = publisher;
	}

	/**
	 * Accepts orders only from the orders service, whose per-message token every message
	 * carries.
	 */
	@BusListener(topic = "orders.created", publishers = "orders")
	void reserve(OrderCreated order, BusMessage<OrderCreated> message) {
		int units = this.stock.reserve(order);
		logger.info("Reserved " + units + " unit(s) for order " + order.orderId() + " (region " + order.region()
				+ ", customer " + message.partitionKey() + ", published by " + message.publisher().subject() + ")");
		this.publisher.publish("inventory.reserved", new StockReserved(order.orderId(), units)).join();
	}

	/** Large EU orders also go to a separate audit log: an app-side content filter. */
	@BusListener(topic = "orders.created", group = "${spring.application.name}-eu-audit",
			filter = "payload.region == 'eu'")
	void auditEu(OrderCreated order) {
		logger.info("EU audit: order " + order.orderId());
	}

	record StockReserved(String orderId, int units) {
	}

}

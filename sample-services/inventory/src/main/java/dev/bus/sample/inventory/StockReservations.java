package dev.bus.sample.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;

/**
 * Reserves stock for each order, in order per customer (the orders service uses the customer as partition key),
 * and publishes {@code inventory.reserved}. A failure here sends the order to {@code inventory.orders.created.dlq}.
 */
@Component
class StockReservations {

	private static final Log logger = LogFactory.getLog(StockReservations.class);

	private final Map<String, Integer> reservedBySku = new ConcurrentHashMap<>();

	private final BusPublisher publisher;

	StockReservations(BusPublisher publisher) {
		this.publisher = publisher;
	}

	@BusListener(topic = "orders.created")
	void reserve(OrderCreated order, BusMessage<OrderCreated> message) {
		int units = 0;
		for (OrderCreated.Line line : order.lines()) {
			if (line.quantity() <= 0) {
				throw new IllegalArgumentException("quantity must be positive for " + line.sku());
			}
			this.reservedBySku.merge(line.sku(), line.quantity(), Integer::sum);
			units += line.quantity();
		}
		logger.info("Reserved " + units + " unit(s) for order " + order.orderId() + " (region " + order.region()
				+ ", customer " + message.partitionKey() + ")");
		this.publisher.publish("inventory.reserved", new StockReserved(order.orderId(), units)).join();
	}

	/** Large EU orders also go to a separate audit log: an app-side content filter. */
	@BusListener(topic = "orders.created", group = "${spring.application.name}-eu-audit", filter = "payload.region == 'eu'")
	void auditEu(OrderCreated order) {
		logger.info("EU audit: order " + order.orderId());
	}

	record StockReserved(String orderId, int units) {
	}

}

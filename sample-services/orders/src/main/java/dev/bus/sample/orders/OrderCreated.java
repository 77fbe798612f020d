package dev.bus.sample.orders;

import java.util.List;

/** Event published when an order is placed. */
public record OrderCreated(String orderId, String customerId, String region, List<OrderLine> lines) {

	/** One product and quantity. */
	public record OrderLine(String sku, int quantity) {
	}

}

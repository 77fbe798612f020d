package dev.bus.sample.inventory;

import java.util.List;

/**
 * Inventory's own view of the {@code orders.created} event: only the fields it needs. It
 * shares no class with the orders service, only the JSON contract.
 */
public record OrderCreated(String orderId, String region, List<Line> lines) {

	/** One product and quantity. */
	public record Line(String sku, int quantity) {
	}

}

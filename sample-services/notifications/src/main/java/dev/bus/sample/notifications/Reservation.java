package dev.bus.sample.notifications;

import java.util.List;

/** Inventory's answer: the lines it reserved for an order. */
public record Reservation(String orderId, List<Line> lines) {

	/** Units of one SKU. */
	public record Line(String sku, int quantity) {
	}

}

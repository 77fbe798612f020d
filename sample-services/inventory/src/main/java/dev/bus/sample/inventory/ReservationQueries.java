package dev.bus.sample.inventory;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.bus.annotation.BusListener;

/**
 * Answers questions about reservations over request-reply: a listener method that returns
 * a value answers the request it received. Only the notifications service may ask (its
 * per-message token proves it).
 */
@Component
class ReservationQueries {

	private final Stock stock;

	ReservationQueries(Stock stock) {
		this.stock = stock;
	}

	@BusListener(topic = "inventory.reservation-query", publishers = "notifications")
	Reservation answer(ReservationQuery query) {
		return new Reservation(query.orderId(), this.stock.reservation(query.orderId()));
	}

	/** The question: what was reserved for this order? */
	record ReservationQuery(String orderId) {
	}

	/** The answer: the lines reserved, none when the order is not known. */
	record Reservation(String orderId, List<OrderCreated.Line> lines) {
	}

}

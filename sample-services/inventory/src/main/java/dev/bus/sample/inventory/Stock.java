package dev.bus.sample.inventory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The stock ledger. Only a caller that may publish orders reserves stock: when a listener
 * calls it, the caller is the publisher whose per-message token the listener verified
 * (docs/security.md).
 */
@Service
class Stock {

	/**
	 * Reservations remembered for questions about them; a bound, since the sample runs
	 * for as long as you like.
	 */
	private static final int REMEMBERED_RESERVATIONS = 1_000;

	private final Catalog catalog;

	private final Map<String, Integer> reservedBySku = new ConcurrentHashMap<>();

	private final Map<String, List<OrderCreated.Line>> recentReservations = Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, List<OrderCreated.Line>> eldest) {
				return size() > REMEMBERED_RESERVATIONS;
			}
		});

	Stock(Catalog catalog) {
		this.catalog = catalog;
	}

	/** Reserves every line of the order; returns the units reserved. */
	@PreAuthorize("hasAuthority('SCOPE_bus.publish:orders.created')")
	int reserve(OrderCreated order) {
		int units = 0;
		for (OrderCreated.Line line : order.lines()) {
			if (line.quantity() <= 0) {
				throw new IllegalArgumentException("quantity must be positive for " + line.sku());
			}
			if (!this.catalog.contains(line.sku())) {
				throw new Catalog.UnknownProductException(line.sku());
			}
		}
		for (OrderCreated.Line line : order.lines()) {
			this.reservedBySku.merge(line.sku(), line.quantity(), Integer::sum);
			units += line.quantity();
		}
		this.recentReservations.put(order.orderId(), List.copyOf(order.lines()));
		return units;
	}

	/**
	 * What was reserved for an order, or an empty list when it is not (or no longer)
	 * known here.
	 */
	List<OrderCreated.Line> reservation(String orderId) {
		return this.recentReservations.getOrDefault(orderId, List.of());
	}

}

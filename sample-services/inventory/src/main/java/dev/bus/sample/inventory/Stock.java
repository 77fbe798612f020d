package dev.bus.sample.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * The stock ledger. Only a caller that may publish orders reserves stock: when a listener calls it, the caller is
 * the publisher whose per-message token the listener verified (docs/security.md).
 */
@Service
class Stock {

	private final Map<String, Integer> reservedBySku = new ConcurrentHashMap<>();

	/** Reserves every line of the order; returns the units reserved. */
	@PreAuthorize("hasAuthority('SCOPE_bus.publish:orders.created')")
	int reserve(OrderCreated order) {
		int units = 0;
		for (OrderCreated.Line line : order.lines()) {
			if (line.quantity() <= 0) {
				throw new IllegalArgumentException("quantity must be positive for " + line.sku());
			}
			this.reservedBySku.merge(line.sku(), line.quantity(), Integer::sum);
			units += line.quantity();
		}
		return units;
	}

}

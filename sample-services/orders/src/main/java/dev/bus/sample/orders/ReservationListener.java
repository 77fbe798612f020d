package dev.bus.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.annotation.BusListener;

/**
 * Hears back from inventory, and only from inventory (its per-message token proves who
 * sent each message).
 */
@Component
class ReservationListener {

	private static final Log logger = LogFactory.getLog(ReservationListener.class);

	@BusListener(topic = "inventory.reserved", publishers = "inventory")
	void onReserved(StockReserved reserved) {
		logger.info("Inventory reserved " + reserved.units() + " unit(s) for order " + reserved.orderId());
	}

}

package dev.bus.sample.notifications;

import java.time.Duration;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.annotation.BusPublishes;
import dev.bus.core.BusHeaders;

/**
 * Notifies the customer of each reservation. The reservation arrives as a copy made by a
 * routing rule in the inventory service (its {@code bus-routed-by} header names the
 * rule), still carrying inventory's per-message token; the details come from inventory
 * over request-reply. Waiting for the answer on the listener's thread is deliberate: when
 * inventory does not answer in time the listener fails and Bus retries the notification
 * later, instead of sending a notification without its details.
 */
@Component
@BusPublishes(topic = "inventory.reservation-query", payload = ReservationQuery.class,
		description = "Asks inventory what it reserved for an order (request-reply)")
class ReservationNotifier {

	private static final Log logger = LogFactory.getLog(ReservationNotifier.class);

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	private final BusPublisher publisher;

	ReservationNotifier(BusPublisher publisher) {
		this.publisher = publisher;
	}

	@BusListener(topic = "notifications.stock-reserved", publishers = "inventory")
	void onReserved(StockReserved reserved, BusMessage<StockReserved> message) {
		Reservation reservation = this.publisher
			.request("inventory.reservation-query", new ReservationQuery(reserved.orderId()), Reservation.class,
					ANSWER_TIMEOUT)
			.join();
		String lines = reservation.lines()
			.stream()
			.map((line) -> line.quantity() + " x " + line.sku())
			.collect(Collectors.joining(", "));
		logger.info("Notified: order " + reserved.orderId() + " reserved (" + lines + "), copied by "
				+ message.header(BusHeaders.ROUTED_BY));
	}

}

package dev.bus.sample.notifications;

/**
 * The question put to inventory on {@code inventory.reservation-query}: what did you
 * reserve for this order?
 */
public record ReservationQuery(String orderId) {
}

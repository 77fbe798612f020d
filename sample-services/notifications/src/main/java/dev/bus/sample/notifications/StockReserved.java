package dev.bus.sample.notifications;

/** Inventory's {@code inventory.reserved}, as the routing rule's copy brings it. */
public record StockReserved(String orderId, int units) {
}

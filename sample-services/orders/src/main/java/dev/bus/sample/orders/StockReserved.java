package dev.bus.sample.orders;

/** Event inventory publishes once it has reserved the stock for an order. */
public record StockReserved(String orderId, int units) {
}

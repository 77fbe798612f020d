package dev.bus.sample.orders;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusPublishes;

/**
 * {@code POST /orders} places an order: it answers once the broker has confirmed the
 * {@code orders.created} event.
 */
@RestController
@BusPublishes(topic = "orders.created", payload = OrderCreated.class,
		description = "An order was placed; partition key: the customer, so one customer's orders keep their order")
class OrderController {

	private final BusPublisher publisher;

	OrderController(BusPublisher publisher) {
		this.publisher = publisher;
	}

	@PostMapping("/orders")
	@ResponseStatus(HttpStatus.ACCEPTED)
	CompletableFuture<PublishReceipt> place(@RequestBody PlaceOrder request) {
		OrderCreated order = new OrderCreated(UUID.randomUUID().toString(), request.customerId(), request.region(),
				request.lines());
		return this.publisher.publish(OutboundMessage.builder("orders.created", order)
			.type("sample.order-created")
			.subject(order.orderId())
			.partitionKey(order.customerId())
			.header("region", order.region())
			.build());
	}

	record PlaceOrder(String customerId, String region, List<OrderCreated.OrderLine> lines) {
	}

}

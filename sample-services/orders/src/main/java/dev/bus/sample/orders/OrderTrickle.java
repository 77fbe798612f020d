package dev.bus.sample.orders;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;

/**
 * Optional steady trickle of orders ({@code orders.trickle.enabled=true}), so the sample
 * shows messages flowing without anyone calling the HTTP endpoint.
 */
@Component
@ConditionalOnProperty(name = "orders.trickle.enabled", havingValue = "true")
class OrderTrickle {

	private static final Log logger = LogFactory.getLog(OrderTrickle.class);

	private static final List<String> REGIONS = List.of("eu", "us", "apac");

	private final BusPublisher publisher;

	private final AtomicInteger count = new AtomicInteger();

	OrderTrickle(BusPublisher publisher) {
		this.publisher = publisher;
	}

	@Scheduled(fixedRateString = "${orders.trickle.interval:1s}")
	void placeOrder() {
		int n = this.count.incrementAndGet();
		String region = REGIONS.get(n % REGIONS.size());
		OrderCreated order = new OrderCreated(UUID.randomUUID().toString(), "customer-" + (n % 5), region,
				List.of(new OrderCreated.OrderLine("sku-" + (n % 3), 1 + n % 4)));
		this.publisher
			.publish(OutboundMessage.builder("orders.created", order)
				.type("sample.order-created")
				.subject(order.orderId())
				.partitionKey(order.customerId())
				.header("region", region)
				.build())
			.whenComplete((receipt, error) -> {
				if (error != null) {
					logger.warn("Order " + order.orderId() + " not published: " + error.getMessage());
				}
				else {
					logger.info("Published order " + order.orderId() + " (" + region + ")");
				}
			});
	}

}

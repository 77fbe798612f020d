package dev.bus.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A group queue an older release declared with other arguments (here none: before
 * dead-lettering went through the group's moves exchange): RabbitMQ refuses this
 * release's declaration, and Bus says so once, naming the queue and the argument, keeps
 * it in health with what to do, and still consumes the queue, losing nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class OlderQueueArgumentsIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Order(String id) {
	}

	static class Orders {

		final Received<Order> received = new Received<>();

		@BusListener(topic = "orders.created")
		void on(Order order) {
			this.received.add(order);
		}

	}

	@Test
	void aQueueOfAnOlderReleaseIsNamedWithWhatToDoAndStillConsumed(CapturedOutput output) throws Exception {
		String exchange = BusContexts.uniqueName("bus-older-queue");
		String group = BusContexts.uniqueName("billing");
		String queue = group + ".orders.created";
		try (Rabbit rabbit = Rabbit.connect()) {
			rabbit.channel().queueDeclare(queue, true, false, false, Map.of());
			this.cleanup.queue(queue);
			try (ConfigurableApplicationContext context = BusContexts.start(exchange, group, List.of(Orders.class))) {
				this.cleanup.track(context);
				BusListenersHealthIndicator health = context.getBean(BusListenersHealthIndicator.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> health.health(true).getDetails().containsKey("queuesNotAsDeclared"));
				Health reported = health.health(true);
				assertThat(reported.getDetails().get("queuesNotAsDeclared").toString()).contains(queue)
					.contains("inequivalent arg")
					.contains("docs/reliability.md");
				BusContexts.awaitConsuming(context);
				assertThat(reported.getStatus()).as("still consumed: not a reason to take the instance out")
					.isEqualTo(Status.UP);

				context.getBean(BusPublisher.class).publish("orders.created", new Order("o-1")).join();
				assertThat(context.getBean(Orders.class).received.awaitCount(1)).containsExactly(new Order("o-1"));
				assertThat(output.getAll().lines().filter((line) -> line.contains("Bus queue not as declared")))
					.hasSize(1);
			}
		}
	}

}

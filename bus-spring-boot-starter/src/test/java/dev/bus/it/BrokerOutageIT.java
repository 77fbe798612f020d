package dev.bus.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.listener.AmqpListenerContainerFactory;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The broker unreachable at start-up and lost mid-run: the app starts anyway, reports
 * DOWN, fails publishes visibly, and recovers by itself when the broker is back.
 */
class BrokerOutageIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Alerts {

		final Received<String> received = new Received<>();

		@BusListener(topic = "alerts.raised")
		void on(String alert) {
			this.received.add(alert);
		}

	}

	@Test
	void startsWithTheBrokerDownAndRecoversWhenItComesBackAndAfterAConnectionLoss() throws Exception {
		String exchange = BusContexts.uniqueName("bus-outage");
		try (TcpProxy broker = new TcpProxy(Rabbit.PORT);
				ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("alerts"),
						List.of(Alerts.class), "spring.rabbitmq.port=" + broker.port(),
						"bus.listener.recovery-interval=200ms", "spring.rabbitmq.connection-timeout=1s")) {
			assertThat(((AmqpListenerContainerFactory.AmqpListenerContainer) context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.container()).container())
				.as("the direct container retries at bus.listener.recovery-interval, not spring-amqp's 5 s")
				.extracting("recoveryBackOff.interval")
				.isEqualTo(200L);
			BusListenersHealthIndicator health = context.getBean(BusListenersHealthIndicator.class);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
			assertThatThrownBy(() -> publisher.publish("alerts.raised", "lost?").join())
				.isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOfSatisfying(BusPublishException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.CONNECTION_LOST));

			broker.open();
			await().atMost(Duration.ofSeconds(20)).until(() -> health.health(true).getStatus().equals(Status.UP));
			this.cleanup.track(context);
			publisher.publish("alerts.raised", "first").join();
			Received<String> received = context.getBean(Alerts.class).received;
			assertThat(received.awaitCount(1)).containsExactly("first");
			// Its coalesced ack goes out within bus.listener.ack-timeout; a cut before
			// that redelivers it.
			BusListenerRegistry registry = context.getBean(BusListenerRegistry.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.registrations().stream().allMatch((listener) -> listener.pendingAcks() == 0));

			broker.cut();
			await().atMost(Duration.ofSeconds(20)).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			Health down = health.health(true);
			assertThat(down.getDetails()).containsKey("listeners");

			broker.open();
			await().atMost(Duration.ofSeconds(20)).until(() -> health.health(true).getStatus().equals(Status.UP));
			publisher.publish("alerts.raised", "second").join();
			assertThat(received.awaitCount(2)).containsExactly("first", "second");
		}
	}

}

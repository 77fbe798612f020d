package dev.bus.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.actuate.BusEndpoint;
import dev.bus.annotation.BusListener;
import dev.bus.failure.DeadLetterReplayer;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters go back to their listener through the actuator endpoint: by message id, by
 * count, or all; none lost, none replayed twice.
 */
class DeadLetterReplayIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Emails {

		volatile boolean mailServerDown = true;

		final Received<BusMessage<String>> sent = new Received<>();

		@BusListener(topic = "emails.requested", maxAttempts = 1)
		void send(BusMessage<String> message) {
			if (this.mailServerDown) {
				throw new IllegalStateException("mail server down");
			}
			this.sent.add(message);
		}

	}

	@Test
	void replaysByIdByCountAndAllThroughTheEndpoint() {
		String exchange = BusContexts.uniqueName("bus-replay");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("mailer"),
				List.of(Emails.class), "management.endpoints.web.exposure.include=bus")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (int i = 1; i <= 6; i++) {
				publisher.publish(OutboundMessage.builder("emails.requested", "mail-" + i).messageId("m-" + i).build())
					.join();
			}
			BusEndpoint endpoint = context.getBean(BusEndpoint.class);
			String listenerId = "deadLetterReplayIT.Emails.send";
			await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(endpoint) == 6);

			Emails emails = context.getBean(Emails.class);
			emails.mailServerDown = false;

			BusEndpoint.ReplayResult one = endpoint.replay(listenerId, "m-4", null);
			assertThat(one.replayed()).isEqualTo(1);
			assertThat(emails.sent.awaitCount(1)).extracting(BusMessage::messageId).containsExactly("m-4");
			BusMessage<String> replayed = emails.sent.items().get(0);
			assertThat(replayed.attempt()).isEqualTo(1);
			assertThat(replayed.header(DeadLetterReplayer.REPLAYED_AT)).isNotNull();
			assertThat(replayed.topic()).as("still the original topic").isEqualTo("emails.requested");
			// passed-over messages are requeued asynchronously, so the count settles
			// shortly after the replay returns
			await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 5);

			assertThat(endpoint.replay(listenerId, null, 2).replayed()).isEqualTo(2);
			assertThat(emails.sent.awaitCount(3)).extracting(BusMessage::messageId)
				.containsExactly("m-4", "m-1", "m-2");

			assertThat(endpoint.replay(listenerId, null, null).replayed()).isEqualTo(3);
			emails.sent.awaitCount(6);
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> emails.sent.size() == 6);
			assertThat(emails.sent.items()).extracting(BusMessage::messageId)
				.containsExactlyInAnyOrder("m-1", "m-2", "m-3", "m-4", "m-5", "m-6");
			assertThat(deadLetters(endpoint)).isZero();
			assertThat(endpoint.replay("no.such.listener", null, null)).isNull();
		}
	}

	private static long deadLetters(BusEndpoint endpoint) {
		return endpoint.bus().listeners().get(0).deadLetters();
	}

}

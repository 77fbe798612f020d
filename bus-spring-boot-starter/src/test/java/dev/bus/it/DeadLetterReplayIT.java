package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.operations.DeadLetter;
import dev.bus.core.operations.DeadLetterListing;
import dev.bus.core.operations.DiscardResult;
import dev.bus.core.operations.ReplayResult;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters go back to their listener through the actuator endpoint: by message id, by
 * count, or all; none lost, none replayed twice. Listed first, they stay where they are.
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

			ReplayResult one = endpoint.replay(listenerId, "m-4", null, null, null);
			assertThat(one.replayed()).isEqualTo(1);
			assertThat(emails.sent.awaitCount(1)).extracting(BusMessage::messageId).containsExactly("m-4");
			BusMessage<String> replayed = emails.sent.items().get(0);
			assertThat(replayed.attempt()).isEqualTo(1);
			assertThat(replayed.header(DeadLetterReplayer.REPLAYED_AT)).isNotNull();
			assertThat(replayed.topic()).as("still the original topic").isEqualTo("emails.requested");
			// passed-over messages are requeued asynchronously, so the count settles
			// shortly after the replay returns
			await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 5);

			assertThat(endpoint.replay(listenerId, null, 2, null, null).replayed()).isEqualTo(2);
			assertThat(emails.sent.awaitCount(3)).extracting(BusMessage::messageId)
				.containsExactly("m-4", "m-1", "m-2");

			assertThat(endpoint.replay(listenerId, null, null, null, null).replayed()).isEqualTo(3);
			emails.sent.awaitCount(6);
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> emails.sent.size() == 6);
			assertThat(emails.sent.items()).extracting(BusMessage::messageId)
				.containsExactlyInAnyOrder("m-1", "m-2", "m-3", "m-4", "m-5", "m-6");
			assertThat(deadLetters(endpoint)).isZero();
			assertThat(endpoint.replay("no.such.listener", null, null, null, null)).isNull();
		}
	}

	@Test
	void listsDeadLettersInOrderWithoutTakingThemMarksWhatAReplayWouldRefuseAndDiscardsOne() {
		String exchange = BusContexts.uniqueName("bus-dead-letters");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("mailer"),
				List.of(Emails.class), "management.endpoints.web.exposure.include=bus")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (int i = 1; i <= 3; i++) {
				publisher.publish(OutboundMessage.builder("emails.requested", "mail-" + i).messageId("m-" + i).build())
					.join();
			}
			BusEndpoint endpoint = context.getBean(BusEndpoint.class);
			String listenerId = "deadLetterReplayIT.Emails.send";
			await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(endpoint) == 3);
			// another client, with write on the default exchange, pushes a message
			// straight
			// into the dead-letter queue
			String deadLetterQueue = endpoint.bus().listeners().get(0).deadLetterQueue();
			new RabbitTemplate(context.getBean(ConnectionFactory.class)).send("", deadLetterQueue,
					MessageBuilder.withBody("{\"pushed\":true}".getBytes(StandardCharsets.UTF_8))
						.setContentType("application/json")
						.setMessageId("pushed")
						.build());
			await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(endpoint) == 4);

			for (int listing = 1; listing <= 2; listing++) {
				DeadLetterListing listed = endpoint.deadLetters(listenerId, BusEndpoint.DEAD_LETTERS, null);
				assertThat(listed.deadLetters()).as("listing %d: oldest first, all still there", listing)
					.extracting(DeadLetter::messageId)
					.containsExactly("m-1", "m-2", "m-3", "pushed");
				DeadLetter first = listed.deadLetters().get(0);
				assertThat(first.topic()).isEqualTo("emails.requested");
				assertThat(first.replayable()).isTrue();
				assertThat(first.reason()).isEqualTo("handler-failed");
				assertThat(first.exception()).isEqualTo(IllegalStateException.class.getName());
				assertThat(first.exceptionMessage()).isEqualTo("mail server down");
				assertThat(first.payload()).isEqualTo("\"mail-1\"");
				assertThat(listed.deadLetters().get(3).replayable()).as("not this application's to replay").isFalse();
				// the broker returns what the listing took asynchronously
				await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 4);
			}
			assertThat(endpoint.deadLetters(listenerId, BusEndpoint.DEAD_LETTERS, 2).deadLetters()).hasSize(2);
			assertThat(endpoint.deadLetters(listenerId, "other", null)).isNull();
			assertThat(endpoint.deadLetters("no.such.listener", BusEndpoint.DEAD_LETTERS, null)).isNull();
			assertThatThrownBy(() -> endpoint.deadLetters(listenerId, BusEndpoint.DEAD_LETTERS, 0))
				.as("a limit below 1 is refused (400), not turned into 1")
				.isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
				.hasMessageContaining("limit");

			DiscardResult discarded = endpoint.discard(listenerId, BusEndpoint.DEAD_LETTERS, "pushed", null, null);
			assertThat(discarded.discarded()).isOne();
			assertThat(endpoint.discard(listenerId, BusEndpoint.DEAD_LETTERS, "no-such-id", null, null).discarded())
				.isZero();

			context.getBean(Emails.class).mailServerDown = false;
			await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 3);
			ReplayResult replayed = endpoint.replay(listenerId, null, null, null, null);
			assertThat(replayed.replayed()).as("the listings lost nothing").isEqualTo(3);
			assertThat(replayed.refused()).as("the planted message was discarded").isZero();
			assertThat(context.getBean(Emails.class).sent.awaitCount(3)).extracting(BusMessage::messageId)
				.containsExactlyInAnyOrder("m-1", "m-2", "m-3");
		}
	}

	/** Refuses some addresses, and cannot reach the mail server for the others. */
	static class Addresses {

		volatile boolean failing = true;

		final Received<String> sent = new Received<>();

		@BusListener(topic = "emails.addressed", maxAttempts = 1)
		void send(BusMessage<String> message) {
			if (this.failing) {
				if (message.payload().startsWith("bad")) {
					throw new IllegalArgumentException("no such address");
				}
				throw new IllegalStateException("mail server down");
			}
			this.sent.add(message.messageId());
		}

	}

	@Test
	void replaysOneGroupOfDeadLettersAndDiscardsTheOther() {
		String exchange = BusContexts.uniqueName("bus-replay-group");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("mailer"),
				List.of(Addresses.class), "management.endpoints.web.exposure.include=bus")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (int i = 1; i <= 4; i++) {
				publisher
					.publish(OutboundMessage.builder("emails.addressed", ((i % 2 == 0) ? "bad-" : "ok-") + i)
						.messageId("a-" + i)
						.build())
					.join();
			}
			BusEndpoint endpoint = context.getBean(BusEndpoint.class);
			String listenerId = "deadLetterReplayIT.Addresses.send";
			await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(endpoint) == 4);
			Addresses addresses = context.getBean(Addresses.class);
			addresses.failing = false;

			ReplayResult group = endpoint.replay(listenerId, null, null, null, IllegalStateException.class.getName());
			assertThat(group.replayed()).isEqualTo(2);
			assertThat(addresses.sent.awaitCount(2)).containsExactlyInAnyOrder("a-1", "a-3");
			await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 2);
			assertThat(endpoint.deadLetters(listenerId, BusEndpoint.DEAD_LETTERS, null).deadLetters())
				.extracting(DeadLetter::messageId)
				.as("the other group stays, in order")
				.containsExactly("a-2", "a-4");
			assertThat(endpoint.replay(listenerId, null, null, "no-such-reason", null).replayed()).isZero();
			assertThat(endpoint
				.discard(listenerId, BusEndpoint.DEAD_LETTERS, null, null, IllegalArgumentException.class.getName())
				.discarded()).as("the other group discarded").isEqualTo(2);
			await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters(endpoint) == 0);
		}
	}

	private static long deadLetters(BusEndpoint endpoint) {
		return endpoint.bus().listeners().get(0).deadLetters();
	}

}

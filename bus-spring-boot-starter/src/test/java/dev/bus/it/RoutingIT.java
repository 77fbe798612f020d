package dev.bus.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.operations.HeldMessages;
import dev.bus.BusMessage;
import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.publisher.Holds;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Routing rules from the app's configuration, applied at publish time against the real
 * broker: a redirect, a copy (confirmed only when every copy is), a split that keeps each
 * partition key on one target, a rejection, a hold and its release, each routed message
 * naming its rule; an invalid rule set fails start-up with its problems.
 */
class RoutingIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Listeners {

		final Received<BusMessage<String>> v2 = new Received<>();

		final Received<BusMessage<String>> audit = new Received<>();

		final Received<BusMessage<String>> payments = new Received<>();

		@BusListener(topic = "orders.v2.created")
		void onV2(BusMessage<String> message) {
			this.v2.add(message);
		}

		@BusListener(topic = "audit.#", group = "auditors")
		void onAudit(BusMessage<String> message) {
			this.audit.add(message);
		}

		@BusListener(topic = "payments.*", group = "payments")
		void onPayment(BusMessage<String> message) {
			this.payments.add(message);
		}

	}

	static class Incidents {

		final Received<BusMessage<String>> incidents = new Received<>();

		final Received<BusMessage<String>> everything = new Received<>();

		@BusListener(topic = "incidents.*", group = "responders")
		void onIncident(BusMessage<String> message) {
			this.incidents.add(message);
		}

		@BusListener(topic = "#", group = "firehose")
		void onAnything(BusMessage<String> message) {
			this.everything.add(message);
		}

	}

	private static final String RULES = "bus.routing.rule-sets[0].";

	/**
	 * A hold rule parks messages, sealed for their topic, in its own queue where no
	 * listener (not even one on {@code #}) sees them, until they are released to their
	 * topic.
	 */
	@Test
	void aHoldRuleParksMessagesUntilTheyAreReleased() throws Exception {
		String exchange = BusContexts.uniqueName("bus-hold");
		try (ConfigurableApplicationContext app = BusContexts.start(exchange, "ops", List.of(Incidents.class),
				RULES + "name=ops", RULES + "version=1", RULES + "rules[0].name=freeze",
				RULES + "rules[0].topic=incidents.*", RULES + "rules[0].action=hold");
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(app);
			String holdQueue = Holds.queueName("ops", "freeze");
			this.cleanup.queue(holdQueue);
			BusContexts.awaitConsuming(app);
			BusPublisher publisher = app.getBean(BusPublisher.class);
			Incidents incidents = app.getBean(Incidents.class);
			for (int i = 0; i < 3; i++) {
				publisher.publish("incidents.opened", "i-" + i).join();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(holdQueue) == 3);
			// Published after the held ones: the firehose gets it, and would have got
			// them before it.
			publisher.publish("probe.sent", "probe").join();
			assertThat(incidents.everything.awaitCount(1)).extracting(BusMessage::payload).containsExactly("probe");
			assertThat(incidents.incidents.items()).isEmpty();

			assertThat(app.getBean(Holds.class).held()).as("what GET /actuator/bus/holds shows the console")
				.containsExactly(new HeldMessages("ops", "freeze", "incidents.*", holdQueue, 3));
			assertThat(app.getBean(Holds.class).release("ops", "freeze")).isEqualTo(3);
			List<BusMessage<String>> released = incidents.incidents.awaitCount(3);
			assertThat(released).extracting(BusMessage::payload).containsExactlyInAnyOrder("i-0", "i-1", "i-2");
			assertThat(released.get(0).topic()).isEqualTo("incidents.opened");
			assertThat(released.get(0).header(BusHeaders.ROUTED_BY)).isEqualTo("ops@1/freeze");
			assertThat(released.get(0).header(BusHeaders.HELD_TOPIC)).isNull();
			assertThat(rabbit.messageCount(holdQueue)).isZero();
			assertThat(app.getBean(Holds.class).held()).extracting(HeldMessages::held).containsExactly(0L);
		}
	}

	@Test
	void rulesRedirectCopySplitAndReject() {
		String exchange = BusContexts.uniqueName("bus-routing");
		try (ConfigurableApplicationContext app = BusContexts.start(exchange, "shop", List.of(Listeners.class),
				RULES + "name=orders", RULES + "version=4", RULES + "rules[0].name=v2",
				RULES + "rules[0].topic=orders.created", RULES + "rules[0].action=redirect",
				RULES + "rules[0].to=orders.v2.created", RULES + "rules[1].name=audit",
				RULES + "rules[1].topic=orders.v2.*", RULES + "rules[1].action=copy",
				RULES + "rules[1].to=audit.orders", RULES + "rules[2].name=canary",
				RULES + "rules[2].topic=payments.captured", RULES + "rules[2].action=split",
				RULES + "rules[2].to=payments.stable,payments.canary", RULES + "rules[2].weights=50,50",
				RULES + "rules[3].name=freeze", RULES + "rules[3].topic=refunds.*",
				RULES + "rules[3].when=headers['region'] == 'eu'", RULES + "rules[3].action=reject",
				RULES + "rules[3].reason=EU refunds are frozen")) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			BusPublisher publisher = app.getBean(BusPublisher.class);
			Listeners listeners = app.getBean(Listeners.class);

			publisher.publish("orders.created", "o-1").join();
			BusMessage<String> redirected = listeners.v2.awaitCount(1).get(0);
			assertThat(redirected.topic()).isEqualTo("orders.v2.created");
			assertThat(redirected.header(BusHeaders.ROUTED_BY)).isEqualTo("orders@4/v2");
			assertThat(listeners.audit.items()).as("rules apply once: the redirect is not copied").isEmpty();

			publisher.publish("orders.v2.created", "o-2").join();
			assertThat(listeners.audit.awaitCount(1).get(0).header(BusHeaders.ROUTED_BY)).isEqualTo("orders@4/audit");
			assertThat(listeners.v2.awaitCount(2).get(1).header(BusHeaders.ROUTED_BY)).as("the original, unmarked")
				.isNull();

			for (int i = 0; i < 40; i++) {
				publisher
					.publish(OutboundMessage.builder("payments.captured", "p-" + (i % 4))
						.partitionKey("c-" + (i % 4))
						.build())
					.join();
			}
			List<BusMessage<String>> payments = listeners.payments.awaitCount(40);
			for (int key = 0; key < 4; key++) {
				String partition = "c-" + key;
				assertThat(payments.stream()
					.filter((m) -> partition.equals(m.partitionKey()))
					.map(BusMessage::topic)
					.distinct()).as("one target per key").hasSize(1);
			}

			assertThatThrownBy(() -> publisher
				.publish(OutboundMessage.builder("refunds.issued", "r-1").header("region", "eu").build())
				.join())
				.cause()
				.isInstanceOfSatisfying(BusPublishException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.REJECTED))
				.hasMessageContaining("routing rule orders@4/freeze: EU refunds are frozen");
		}
	}

	@Test
	void anInvalidRuleSetFailsStartUpWithItsProblems() {
		assertThatThrownBy(() -> BusContexts.start(BusContexts.uniqueName("bus-routing"), "shop", List.of(),
				RULES + "name=orders", RULES + "version=1", RULES + "rules[0].name=canary",
				RULES + "rules[0].topic=payments.*", RULES + "rules[0].action=split",
				RULES + "rules[0].to=payments.a,payments.b", RULES + "rules[0].weights=50,40"))
			.hasStackTraceContaining("bus.routing.rule-sets is refused")
			.hasStackTraceContaining("rule 0 (canary): split's weights must not be negative and must sum to 100");
	}

}

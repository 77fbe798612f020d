package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonGetter;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.ConfirmedLoad;
import dev.bus.test.Rabbit;
import dev.bus.test.history.History;
import dev.bus.test.history.HistoryChecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two versions of a service and of its messages side by side, as a team that deploys
 * every day runs them: a consumer group of three instances moves from v1 to v2 one
 * instance at a time (a v2 instance started, then a v1 instance stopped, as a rolling
 * update with a surge of one does) under a steady 1,000 msg/s published until confirmed,
 * and the publisher moves from v1 to v2 messages before or after the consumers. v2's
 * payload has a field added ({@code currency}) and one renamed ({@code customer} →
 * {@code customerId}, read under both names with {@code @JsonAlias}, written under both
 * until every reader has the new one). Every delivery is recorded in a {@link History}:
 * nothing confirmed may be lost, nothing dead-lettered, and no listener may see an order
 * without its customer. Each test prints its figures with the prefix {@code [upgrade]}.
 * docs/upgrades.md says how a message type evolves.
 */
class RollingUpgradeIT {

	private static final String TOPIC = "orders.placed";

	private static final int PER_SECOND = 1_000;

	private static final int INSTANCES = 3;

	private static final AtomicReference<History> history = new AtomicReference<>();

	/** Deliveries by listener version and message version: {@code "v1 <- v2"}. */
	private static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	/** Orders a listener could not read in full (the customer missing). */
	private static final AtomicInteger unreadable = new AtomicInteger();

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	private final String exchange = BusContexts.uniqueName("bus-upgrade");

	/** What v1 of the service sends and reads. */
	record OrderV1(String id, String customer, long cents) {
	}

	/**
	 * What v2 sends and reads: {@code currency} added (absent from v1's messages, so
	 * optional), {@code customer} renamed, with the old name read as an alias and still
	 * written until no v1 reader is left.
	 */
	record OrderV2(String id, @JsonAlias("customer") String customerId, long cents, String currency) {

		@JsonGetter("customer")
		String legacyCustomer() {
			return this.customerId;
		}

	}

	public static class BillingV1 {

		@BusListener(topic = TOPIC, group = "billing", concurrency = "2", prefetch = 100)
		void on(BusMessage<OrderV1> message) {
			record(message, "v1", message.payload().customer() != null);
		}

	}

	public static class BillingV2 {

		@BusListener(topic = TOPIC, group = "billing", concurrency = "2", prefetch = 100)
		void on(BusMessage<OrderV2> message) {
			record(message, "v2", message.payload().customerId() != null);
		}

	}

	private static void record(BusMessage<?> message, String listenerVersion, boolean readable) {
		if (!readable) {
			unreadable.incrementAndGet();
		}
		String messageVersion = message.type().substring(message.type().lastIndexOf('.') + 1);
		handled.computeIfAbsent(listenerVersion + " <- " + messageVersion, (key) -> new AtomicInteger())
			.incrementAndGet();
		history.get().delivered("billing", message.messageId());
	}

	@BeforeEach
	void freshCounts() {
		history.set(new History());
		handled.clear();
		unreadable.set(0);
	}

	@Test
	void consumersRollToV2FirstAndReadV1MessagesThenThePublisherFollows() throws Exception {
		Rollout rollout = rollout("consumers first, then the publisher", (load, instances) -> {
			rollConsumers(instances);
			load.publishAs(RollingUpgradeIT::v2);
		});
		assertThat(rollout.handled()).as("v2 listeners read v1 messages while the publisher was not upgraded")
			.containsKey("v2 <- v1");
	}

	@Test
	void aPublisherUpgradedFirstSendsV2MessagesThatV1ListenersStillRead() throws Exception {
		Rollout rollout = rollout("the publisher first, then the consumers", (load, instances) -> {
			load.publishAs(RollingUpgradeIT::v2);
			await().atMost(Duration.ofSeconds(20)).until(() -> count("v1 <- v2") >= 2 * PER_SECOND);
			rollConsumers(instances);
		});
		assertThat(rollout.handled()).as("v1 listeners read v2 messages while they were not upgraded")
			.containsKey("v1 <- v2");
	}

	@Test
	void aBreakingChangeIsDeadLetteredNamingTheMessageTypeTheListenersTypeAndTheField() throws Exception {
		try (ConfigurableApplicationContext publisherApp = BusContexts.start(this.exchange, "orders", List.of());
				Rabbit rabbit = Rabbit.connect()) {
			ConfigurableApplicationContext v1 = instance(BillingV1.class);
			try (v1) {
				String deadLetterQueue = v1.getBean(BusListenerRegistry.class)
					.registrations()
					.get(0)
					.definition()
					.deadLetterQueue();
				// v3 turned cents into text: a change no v1 reader can follow.
				publisherApp.getBean(BusPublisher.class)
					.publish(OutboundMessage.builder(TOPIC, new OrderV3("o-1", "customer-1", "12.50 EUR"))
						.messageId("v3-1")
						.type(TOPIC + ".v3")
						.build())
					.join();
				await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetterQueue) == 1);
				GetResponse deadLetter = rabbit.get(deadLetterQueue);
				Map<String, Object> headers = deadLetter.getProps().getHeaders();
				System.out.printf("[upgrade] a breaking change: dead-lettered as %s: %s%n",
						headers.get(BusHeaders.FAILURE_REASON), headers.get(BusHeaders.FAILURE_MESSAGE));
				assertThat(String.valueOf(headers.get(BusHeaders.FAILURE_REASON))).isEqualTo("payload-type-mismatch");
				assertThat(String.valueOf(headers.get(BusHeaders.FAILURE_MESSAGE)))
					.isEqualTo("JSON of message type 'orders.placed.v3' does not fit " + OrderV1.class.getName()
							+ ": field 'cents' of OrderV1 must be long, found a string");
				assertThat(handled).as("never handed to the listener").isEmpty();
			}
		}
	}

	/** A version no v1 reader can follow: {@code cents} is text now. */
	record OrderV3(String id, String customerId, String cents) {
	}

	/**
	 * Runs three v1 instances and a publisher of v1 messages under load; once a second of
	 * it is confirmed, runs {@code upgrade}, then keeps publishing for 2 s more; checks
	 * the history, the dead-letter queue and what the listeners could read.
	 */
	private Rollout rollout(String order, Upgrade upgrade) throws Exception {
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		try (ConfigurableApplicationContext publisherApp = BusContexts.start(this.exchange, "orders", List.of());
				Rabbit rabbit = Rabbit.connect()) {
			for (int i = 0; i < INSTANCES; i++) {
				instances.add(instance(BillingV1.class));
			}
			String deadLetterQueue = instances.get(0)
				.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();
			ConfirmedLoad load = new ConfirmedLoad(publisherApp.getBean(BusPublisher.class), TOPIC, history.get());
			load.publishAs(RollingUpgradeIT::v1);
			CompletableFuture<Void> rolled = load.faultAfter(PER_SECOND, () -> {
				upgrade.run(load, instances);
				int confirmedAfter = load.confirmed();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.confirmed() >= confirmedAfter + 2 * PER_SECOND);
			});
			int sent = load.run(PER_SECOND, 10_000, 120 * PER_SECOND, rolled);
			rolled.join();
			HistoryChecker checker = new HistoryChecker(Set.of("billing"), Set.of(), Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> checker.check(history.get()).groups().get(0).lost() == 0);
			HistoryChecker.Verdict verdict = checker.check(history.get());
			Map<String, Integer> counts = new java.util.TreeMap<>();
			handled.forEach((key, count) -> counts.put(key, count.get()));
			long deadLetters = rabbit.messageCount(deadLetterQueue);
			System.out.printf(
					"[upgrade] %s: %s; handled (listener <- message) %s; %d unreadable, %d dead-lettered, %d "
							+ "publish attempts failed%n",
					order, verdict, counts, unreadable.get(), deadLetters, load.failedAttempts());
			assertThat(verdict.valid()).as(verdict.toString()).isTrue();
			assertThat(sent).isGreaterThanOrEqualTo(10_000);
			assertThat(unreadable).as("orders a listener read without their customer").hasValue(0);
			assertThat(deadLetters).as("dead letters").isZero();
			assertThat(counts).as("v2 listeners read v2 messages at the end").containsKey("v2 <- v2");
			return new Rollout(verdict, counts);
		}
		finally {
			instances.forEach(ConfigurableApplicationContext::close);
		}
	}

	/**
	 * Replaces each v1 instance by a v2 one: the v2 instance consumes before the v1
	 * instance stops (a rolling update with a surge of one).
	 */
	private void rollConsumers(List<ConfigurableApplicationContext> instances) {
		for (int i = 0; i < INSTANCES; i++) {
			ConfigurableApplicationContext old = instances.get(i);
			instances.set(i, instance(BillingV2.class));
			old.close();
		}
	}

	private ConfigurableApplicationContext instance(Class<?> listener) {
		ConfigurableApplicationContext instance = BusContexts.start(this.exchange, "billing", List.of(listener),
				"bus.listener.shutdown-timeout=10s");
		this.cleanup.track(instance);
		BusContexts.awaitConsuming(instance);
		return instance;
	}

	private static int count(String key) {
		AtomicInteger count = handled.get(key);
		return (count != null) ? count.get() : 0;
	}

	private static OutboundMessage v1(String id) {
		return OutboundMessage.builder(TOPIC, new OrderV1(id, "customer-" + id, 1_250))
			.messageId(id)
			.type(TOPIC + ".v1")
			.build();
	}

	private static OutboundMessage v2(String id) {
		return OutboundMessage.builder(TOPIC, new OrderV2(id, "customer-" + id, 1_250, "EUR"))
			.messageId(id)
			.type(TOPIC + ".v2")
			.build();
	}

	/** What a rollout does while the load runs. */
	@FunctionalInterface
	private interface Upgrade {

		void run(ConfirmedLoad load, List<ConfigurableApplicationContext> instances);

	}

	private record Rollout(HistoryChecker.Verdict verdict, Map<String, Integer> handled) {
	}

}

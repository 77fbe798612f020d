package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.BusMessage;
import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.outbox.OutboxBusPublisher;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Postgres;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The transactional outbox on the real PostgreSQL: messages leave if and only if their
 * transaction commits; relays in two instances never send a row twice; a database outage
 * delays messages but loses none.
 */
class OutboxIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@RegisterExtension
	final BrokerCleanup restartedBrokerCleanup = new BrokerCleanup(Rabbit::connectSecured);

	private final String table = "bus_outbox_" + BusContexts.uniqueName("t").substring(2);

	private final JdbcTemplate jdbc = new JdbcTemplate(
			new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/bus", "postgres", "postgres"));

	public static class Shipments {

		final Received<String> received = new Received<>();

		@BusListener(topic = "orders.shipped")
		void on(BusMessage<String> message) {
			this.received.add(message.messageId());
		}

	}

	@AfterEach
	void dropTable() {
		this.jdbc.execute("drop table if exists " + this.table);
	}

	private ConfigurableApplicationContext start(String exchange, String application, String... extra) {
		Postgres.requireRunning();
		List<String> properties = new ArrayList<>(List.of(Postgres.PROPERTIES));
		properties.addAll(List.of("bus.outbox.enabled=true", "bus.outbox.jdbc.table=" + this.table,
				"spring.datasource.hikari.connection-timeout=1000"));
		properties.addAll(List.of(extra));
		return BusContexts.start(exchange, application, List.of(Postgres.Jdbc.class, Shipments.class),
				properties.toArray(String[]::new));
	}

	@Test
	void sendsIfAndOnlyIfTheTransactionCommits() {
		String exchange = BusContexts.uniqueName("bus-outbox");
		try (ConfigurableApplicationContext context = start(exchange, BusContexts.uniqueName("shipping"))) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			assertThat(publisher).isInstanceOf(OutboxBusPublisher.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));

			CompletableFuture<PublishReceipt> committed = transactions.execute((status) -> publisher
				.publish(OutboundMessage.builder("orders.shipped", "o-1").messageId("committed").build()));
			CompletableFuture<PublishReceipt> rolledBack = transactions.execute((status) -> {
				CompletableFuture<PublishReceipt> receipt = publisher
					.publish(OutboundMessage.builder("orders.shipped", "o-2").messageId("rolled-back").build());
				status.setRollbackOnly();
				return receipt;
			});

			assertThat(committed.join().messageId()).isEqualTo("committed");
			assertThatThrownBy(rolledBack::join).isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOfSatisfying(BusPublishException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.ROLLED_BACK));
			Received<String> received = context.getBean(Shipments.class).received;
			assertThat(received.awaitCount(1)).containsExactly("committed");
			await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 1);
			assertThat(this.jdbc.queryForObject("select count(*) from " + this.table, Long.class)).isZero();
			assertThat(context.getBean(MeterRegistry.class).get("bus.outbox.relay.latency").timer().count())
				.isEqualTo(1);
		}
	}

	@Test
	void shutdownRelaysWhatIsLeftBeforeThePublisherCloses() throws Exception {
		String exchange = BusContexts.uniqueName("bus-outbox");
		String plainQueue = BusContexts.uniqueName("plain");
		this.cleanup.queue(plainQueue);
		try (dev.bus.test.Rabbit rabbit = dev.bus.test.Rabbit.connect()) {
			ConfigurableApplicationContext context = start(exchange, BusContexts.uniqueName("shipping"),
					"bus.outbox.poll-interval=1h", "bus.listener.enabled=false");
			// A publish-only app: its first publish opens the publisher connection, which
			// declares the exchange.
			context.getBean(BusPublisher.class).publish("nobody.listens", "x").handle((receipt, error) -> error).join();
			rabbit.declareQueueBoundTo(plainQueue, exchange, "orders.#");
			// Rows committed without waking the relay (as another instance's commit would
			// leave them), with a poll
			// interval far beyond the test: only the shutdown pass can send them.
			dev.bus.outbox.JdbcOutbox outbox = context.getBean(dev.bus.outbox.JdbcOutbox.class);
			dev.bus.publisher.EnvelopeFactory envelopes = context.getBean(dev.bus.publisher.EnvelopeFactory.class);
			for (int i = 0; i < 50; i++) {
				outbox
					.add(envelopes.create(OutboundMessage.builder("orders.shipped", "o").messageId("late-" + i).build())
						.envelope());
			}
			assertThat(rabbit.messageCount(plainQueue)).isZero();
			context.close();
			assertThat(rabbit.messageCount(plainQueue)).as("sent and confirmed during shutdown").isEqualTo(50);
			assertThat(this.jdbc.queryForObject("select count(*) from " + this.table, Long.class)).isZero();
			rabbit.deleteExchange(exchange);
		}
	}

	@Test
	void twoRelaysNeverSendARowTwice() throws Exception {
		List<String> received = publishThroughTwoRelays(false);
		assertThat(received).as("every committed message exactly once").hasSize(2000).doesNotHaveDuplicates();
	}

	@Test
	void aDatabaseOutageWhileRelayingLosesNothing() throws Exception {
		List<String> received = publishThroughTwoRelays(true);
		int duplicates = received.size() - new HashSet<>(received).size();
		// A pass whose commit is cut off after its publishes were confirmed resends those
		// rows: at-least-once.
		System.out.println("[outbox outage] sent 2000, received " + received.size() + ", distinct "
				+ new HashSet<>(received).size() + ", duplicates " + duplicates);
		assertThat(new HashSet<>(received)).as("every committed message arrives").hasSize(2000);
		assertThat(duplicates).as("at most one relay batch is resent").isLessThanOrEqualTo(500);
	}

	@Test
	void aBrokerRestartWhileRelayingIsBridgedByTheOutbox() throws Exception {
		String exchange = BusContexts.uniqueName("bus-outbox");
		int total = 5000;
		List<String> properties = new ArrayList<>(SecuredBroker.adminProperties());
		properties.addAll(List.of("bus.outbox.poll-interval=200ms", "bus.listener.recovery-interval=500ms",
				"bus.publisher.confirm-timeout=3s"));
		// On the node scripts/infra started for the tests: the shared broker is never
		// restarted.
		try (ConfigurableApplicationContext context = start(exchange, BusContexts.uniqueName("shipping"),
				properties.toArray(String[]::new))) {
			this.restartedBrokerCleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			java.util.concurrent.atomic.AtomicLong mostWaiting = new java.util.concurrent.atomic.AtomicLong();
			CompletableFuture<Void> restart = new CompletableFuture<>();
			// Commits at 1,000 msg/s (transactions of 10); the broker restarts once a
			// fifth are committed, and the
			// commits go on until it is back, however long the restart takes on a loaded
			// machine. Every publish
			// inside a transaction succeeds regardless: the row is the promise, the relay
			// keeps it.
			long start = System.nanoTime();
			int t = 0;
			for (; t < total / 10 || !restart.isDone(); t++) {
				long due = start + t * 10_000_000L;
				while (System.nanoTime() < due) {
					java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
				}
				int base = t * 10;
				transactions.executeWithoutResult((status) -> {
					for (int i = base; i < base + 10; i++) {
						publisher.publish(OutboundMessage.builder("orders.shipped", "o").messageId("m-" + i).build());
					}
				});
				if (t == total / 50) {
					CompletableFuture.runAsync(() -> {
						try {
							SecuredBroker.restart();
							restart.complete(null);
						}
						catch (Exception | AssertionError ex) {
							restart.completeExceptionally(ex);
						}
					});
				}
				if (t % 5 == 0) {
					mostWaiting.accumulateAndGet(
							this.jdbc.queryForObject("select count(*) from " + this.table, Long.class), Math::max);
				}
			}
			restart.join();
			int committed = t * 10;
			Received<String> received = context.getBean(Shipments.class).received;
			await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(received.items()).size() == committed);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.jdbc.queryForObject("select count(*) from " + this.table, Long.class) == 0);
			int duplicates = received.items().size() - committed;
			System.out.printf(
					"[outbox broker restart] committed %d, received %d distinct, %d deliveries, duplicates %d,"
							+ " most rows waiting in the outbox during the outage %d%n",
					committed, new HashSet<>(received.items()).size(), received.items().size(), duplicates,
					mostWaiting.get());
			assertThat(new HashSet<>(received.items())).as("every committed message arrives").hasSize(committed);
			assertThat(mostWaiting.get()).as("the outbox held messages while the broker was away").isGreaterThan(100);
		}
	}

	/**
	 * Commits 2,000 messages in transactions of 20 in the first instance while the relays
	 * of both instances run; with {@code outage}, the first instance's database
	 * connection is cut for 800 ms part-way.
	 */
	private List<String> publishThroughTwoRelays(boolean outage) throws Exception {
		String exchange = BusContexts.uniqueName("bus-outbox");
		String application = BusContexts.uniqueName("shipping");
		int total = 2000;
		int perTransaction = 20;
		try (TcpProxy database = new TcpProxy(5432)) {
			database.open();
			String viaProxy = "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + database.port() + "/bus";
			try (ConfigurableApplicationContext first = start(exchange, application, viaProxy,
					"bus.outbox.poll-interval=100ms");
					ConfigurableApplicationContext second = start(exchange, application + "-relay",
							"bus.outbox.poll-interval=20ms", "bus.listener.enabled=false")) {
				this.cleanup.track(first);
				BusContexts.awaitConsuming(first);
				assertThat(second.getBean(dev.bus.outbox.OutboxRelay.class).isRunning()).isTrue();
				BusPublisher publisher = first.getBean(BusPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						first.getBean(PlatformTransactionManager.class));
				for (int t = 0; t < total / perTransaction; t++) {
					int base = t * perTransaction;
					// As an application would: a transaction that fails on a connection
					// the outage broke (the pool
					// finds out on use) is run again; it rolled back, so nothing of it
					// was stored.
					for (int attempt = 1;; attempt++) {
						try {
							transactions.executeWithoutResult((status) -> {
								for (int i = base; i < base + perTransaction; i++) {
									publisher.publish(
											OutboundMessage.builder("orders.shipped", "o").messageId("m-" + i).build());
								}
							});
							break;
						}
						catch (org.springframework.transaction.TransactionException
								| org.springframework.dao.DataAccessException ex) {
							// Each failed attempt drops one broken connection; the pool
							// holds up to ten.
							if (attempt == 12) {
								throw ex;
							}
						}
					}
					if (outage && t == 40) {
						database.cut();
						// The outage lasts until a relay pass has failed on it.
						MeterRegistry meters = first.getBean(MeterRegistry.class);
						await().atMost(Duration.ofSeconds(10))
							.until(() -> meters.counter("bus.outbox.relay.failures").count() >= 1);
						database.open();
					}
				}
				Received<String> received = first.getBean(Shipments.class).received;
				await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(received.items()).size() == total);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> this.jdbc.queryForObject("select count(*) from " + this.table, Long.class) == 0);
				// Every confirmed relay (resends included) has reached the listener
				// before duplicates are counted.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> relayed(first) + relayed(second) == received.items().size());
				return received.items();
			}
		}
	}

	/** Rows the instance's relay has published and the broker confirmed. */
	private static long relayed(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.find("bus.outbox.relay.latency")
			.timers()
			.stream()
			.mapToLong(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

}

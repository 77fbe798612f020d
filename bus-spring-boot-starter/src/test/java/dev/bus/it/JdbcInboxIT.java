package dev.bus.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.inbox.Inbox;
import dev.bus.inbox.JdbcInbox;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC inbox on the real PostgreSQL, shared by two instances: each message id has its
 * effect once, and the handler's own writes commit or roll back together with the inbox
 * row.
 */
class JdbcInboxIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	private final String suffix = BusContexts.uniqueName("t").substring(2);

	private final String inboxTable = "bus_inbox_" + this.suffix;

	private final String ledgerTable = "ledger_" + this.suffix;

	/**
	 * The test's own connection to the database, independent of the applications' pools.
	 */
	private final JdbcTemplate jdbc = new JdbcTemplate(
			new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:5432/bus", "postgres", "postgres"));

	public static class Ledger {

		final JdbcTemplate jdbc;

		final String table;

		final AtomicBoolean failNext = new AtomicBoolean();

		Ledger(JdbcTemplate jdbc, org.springframework.core.env.Environment environment) {
			this.jdbc = jdbc;
			this.table = environment.getProperty("test.ledger-table");
		}

		@BusListener(topic = "payments.captured", idempotent = true, initialInterval = "100ms", concurrency = "2")
		void book(BusMessage<Long> message) {
			// joins the inbox's transaction: same DataSource, Spring-managed
			this.jdbc.update("insert into " + this.table + " (message_id, cents) values (?, ?)", message.messageId(),
					message.payload());
			if (this.failNext.getAndSet(false)) {
				throw new IllegalStateException("failed after writing: the write must roll back");
			}
		}

	}

	@AfterEach
	void dropTables() {
		this.jdbc.execute("drop table if exists " + this.inboxTable);
		this.jdbc.execute("drop table if exists " + this.ledgerTable);
	}

	@Test
	void twoInstancesApplyEachMessageOnceAndFailuresRollBackTogether() {
		Postgres.requireRunning();
		String exchange = BusContexts.uniqueName("bus-jdbc-inbox");
		String application = "ledger-" + this.suffix;
		List<String> properties = new ArrayList<>(List.of(Postgres.PROPERTIES));
		properties.addAll(List.of("bus.inbox.store=jdbc", "bus.inbox.jdbc.table=" + this.inboxTable,
				"test.ledger-table=" + this.ledgerTable));
		String[] props = properties.toArray(String[]::new);
		this.jdbc.execute("create table " + this.ledgerTable + " (message_id varchar(255), cents bigint)");
		try (ConfigurableApplicationContext first = BusContexts.start(exchange, application,
				List.of(Postgres.Jdbc.class, Ledger.class), props)) {
			try (ConfigurableApplicationContext second = BusContexts.start(exchange, application,
					List.of(Postgres.Jdbc.class, Ledger.class), props)) {
				this.cleanup.track(first);
				assertThat(first.getBean(Inbox.class)).isInstanceOf(JdbcInbox.class);
				BusContexts.awaitConsuming(first, second);

				first.getBean(Ledger.class).failNext.set(true);
				second.getBean(Ledger.class).failNext.set(true);
				BusPublisher publisher = first.getBean(BusPublisher.class);
				int distinct = 200;
				for (int copy = 0; copy < 3; copy++) {
					for (int i = 0; i < distinct; i++) {
						publisher.publish(
								OutboundMessage.builder("payments.captured", (long) i).messageId("pay-" + i).build())
							.join();
					}
				}

				await().atMost(java.time.Duration.ofSeconds(30))
					.until(() -> this.jdbc.queryForObject("select count(*) from " + this.ledgerTable,
							Integer.class) >= distinct);
				await().during(java.time.Duration.ofMillis(500))
					.atMost(java.time.Duration.ofSeconds(5))
					.until(() -> this.jdbc.queryForObject("select count(*) from " + this.ledgerTable,
							Integer.class) == distinct);
				assertThat(this.jdbc.queryForObject("select count(distinct message_id) from " + this.ledgerTable,
						Integer.class))
					.as("each payment booked once across both instances")
					.isEqualTo(distinct);
				assertThat(this.jdbc.queryForObject("select count(*) from " + this.inboxTable, Integer.class))
					.isEqualTo(distinct);
				assertThat(this.jdbc.queryForObject("select sum(cents) from " + this.ledgerTable, Long.class))
					.isEqualTo((long) distinct * (distinct - 1) / 2);
			}
		}
	}

}

package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.MariaDb;
import dev.bus.test.Postgres;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox and the JDBC inbox on MariaDB: tables created from the MariaDB scripts when
 * asked ({@code initialize-schema=always}), not by default on a database that is not
 * embedded, a transactional publish relayed, and a redelivered message skipped by the
 * inbox.
 */
class JdbcStoresOnMariaDbIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Invoices {

		final Received<String> handled = new Received<>();

		@BusListener(topic = "invoices.issued", idempotent = true)
		void on(String invoice) {
			this.handled.add(invoice);
		}

	}

	@Test
	void outboxAndInboxWorkOnMariaDb() {
		MariaDb.requireRunning();
		String suffix = BusContexts.uniqueName("m").replace('-', '_');
		String outboxTable = "bus_outbox_" + suffix;
		String inboxTable = "bus_inbox_" + suffix;
		String exchange = BusContexts.uniqueName("bus-mariadb");
		List<String> properties = new ArrayList<>(List.of(MariaDb.PROPERTIES));
		properties.addAll(List.of("bus.outbox.enabled=true", "bus.outbox.jdbc.table=" + outboxTable,
				"bus.inbox.store=jdbc", "bus.inbox.jdbc.table=" + inboxTable));
		List<String> creating = new ArrayList<>(properties);
		creating.addAll(List.of("bus.outbox.jdbc.initialize-schema=always", "bus.inbox.jdbc.initialize-schema=always"));

		try (ConfigurableApplicationContext byDefault = BusContexts.start(exchange, "billing-" + suffix,
				List.of(Postgres.Jdbc.class), properties.toArray(String[]::new))) {
			this.cleanup.track(byDefault);
			assertThat(tables(byDefault.getBean(JdbcTemplate.class), outboxTable, inboxTable))
				.as("not created by default on a database that is not embedded")
				.isZero();
		}
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, "billing-" + suffix,
				List.of(Postgres.Jdbc.class, Invoices.class), creating.toArray(String[]::new))) {
			this.cleanup.track(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try {
				assertThat(tables(jdbc, outboxTable, inboxTable)).isEqualTo(2);
				BusContexts.awaitConsuming(context);
				BusPublisher publisher = context.getBean(BusPublisher.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				transactions.executeWithoutResult((status) -> publisher
					.publish(OutboundMessage.builder("invoices.issued", "inv-1").messageId("inv-1").build()));
				Invoices invoices = context.getBean(Invoices.class);
				assertThat(invoices.handled.awaitCount(1)).containsExactly("inv-1");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> jdbc.queryForObject("select count(*) from " + outboxTable, Long.class) == 0);

				// The same message again (as a redelivery would bring it): the inbox on
				// MariaDB skips it.
				publisher.publish(OutboundMessage.builder("invoices.issued", "inv-1").messageId("inv-1").build())
					.join();
				publisher.publish(OutboundMessage.builder("invoices.issued", "inv-2").messageId("inv-2").build())
					.join();
				assertThat(invoices.handled.awaitCount(2)).containsExactly("inv-1", "inv-2");
				assertThat(jdbc.queryForObject("select count(*) from " + inboxTable, Long.class)).isEqualTo(2);
			}
			finally {
				jdbc.execute("drop table if exists " + outboxTable);
				jdbc.execute("drop table if exists " + inboxTable);
			}
		}
	}

	private static long tables(JdbcTemplate jdbc, String... names) {
		long count = 0;
		for (String name : names) {
			count += jdbc.queryForObject(
					"select count(*) from information_schema.tables where table_schema = database() and table_name = ?",
					Long.class, name);
		}
		return count;
	}

}

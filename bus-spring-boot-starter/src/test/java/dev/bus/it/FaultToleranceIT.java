package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.ConfirmedLoad;
import dev.bus.test.Postgres;
import dev.bus.test.Rabbit;
import dev.bus.test.SecuredBroker;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded loads (20,000 messages) under faults, counting what arrives: sent = received
 * (distinct), duplicates reported. Figures are printed with the prefix {@code [fault]}.
 */
class FaultToleranceIT {

	private static final int MESSAGES = 20_000;

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@RegisterExtension
	final BrokerCleanup restartedBrokerCleanup = new BrokerCleanup(Rabbit::connectSecured);

	public static class Counter {

		final Set<String> distinct = ConcurrentHashMap.newKeySet();

		final java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();

		@BusListener(topic = "load.item", initialInterval = "200ms", concurrency = "2", prefetch = 100)
		void on(BusMessage<String> message) {
			if (message.payload().equals("poison")) {
				throw new IllegalStateException("poison");
			}
			this.deliveries.incrementAndGet();
			this.distinct.add(message.messageId());
		}

	}

	@Test
	void aPoisonMessageEndsInTheDeadLetterQueueWhileGoodOnesKeepFlowing() throws Exception {
		String exchange = BusContexts.uniqueName("bus-fault");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("load"),
				List.of(Counter.class)); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusListenerDefinition listener = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition();
			BusPublisher publisher = context.getBean(BusPublisher.class);
			Counter counter = context.getBean(Counter.class);
			// Baseline in the same run: the same load without the poison message.
			long baselineStart = System.nanoTime();
			publishAll(publisher, MESSAGES, -1);
			await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct.size() == MESSAGES);
			double baselineSeconds = (System.nanoTime() - baselineStart) / 1e9;
			counter.distinct.clear();
			counter.deliveries.set(0);
			long start = System.nanoTime();
			publishAll(publisher, MESSAGES, MESSAGES / 2);
			await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct.size() == MESSAGES);
			double seconds = (System.nanoTime() - start) / 1e9;
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(listener.deadLetterQueue()) == 1);
			GetResponse poison = rabbit.get(listener.deadLetterQueue());
			assertThat(new String(poison.getBody())).contains("poison");
			assertThat(poison.getProps().getHeaders().get(BusHeaders.ATTEMPT)).hasToString("3");
			assertThat(counter.deliveries.get()).as("no good message redelivered").isEqualTo(MESSAGES);
			System.out.printf(
					"[fault] poison: %d good messages + 1 poison in %.1f s (%.0f msg/s; without the poison "
							+ "%.0f msg/s, ratio %.2f), poison dead-lettered after 3 attempts, duplicates %d%n",
					MESSAGES, seconds, MESSAGES / seconds, MESSAGES / baselineSeconds, baselineSeconds / seconds,
					counter.deliveries.get() - counter.distinct.size());
		}
	}

	/** Like {@link Counter}, but idempotent through the shared JDBC inbox. */
	public static class IdempotentCounter extends Counter {

		@Override
		@BusListener(topic = "load.item", initialInterval = "200ms", concurrency = "2", prefetch = 100,
				idempotent = true)
		void on(BusMessage<String> message) {
			super.on(message);
		}

	}

	@Test
	void aConsumerWhoseConnectionDiesLosesNothingAndTheInboxRemovesTheDuplicates() throws Exception {
		Postgres.requireRunning();
		String exchange = BusContexts.uniqueName("bus-fault");
		String application = BusContexts.uniqueName("load");
		String inboxTable = "bus_inbox_" + application.replace('-', '_');
		List<String> jdbc = new ArrayList<>(List.of(Postgres.PROPERTIES));
		jdbc.addAll(List.of("bus.inbox.store=jdbc", "bus.inbox.jdbc.table=" + inboxTable));
		List<String> doomedProperties = new ArrayList<>(jdbc);
		List<Class<?>> sources = List.of(Postgres.Jdbc.class, IdempotentCounter.class);
		try (TcpProxy doomedLink = new TcpProxy(Rabbit.PORT)) {
			doomedLink.open();
			doomedProperties.add("spring.rabbitmq.port=" + doomedLink.port());
			try (ConfigurableApplicationContext doomed = BusContexts.start(exchange, application, sources,
					doomedProperties.toArray(String[]::new));
					ConfigurableApplicationContext survivor = BusContexts.start(exchange, application, sources,
							jdbc.toArray(String[]::new))) {
				this.cleanup.track(survivor);
				BusContexts.awaitConsuming(doomed, survivor);
				Counter a = doomed.getBean(IdempotentCounter.class);
				Counter b = survivor.getBean(IdempotentCounter.class);
				BusPublisher publisher = survivor.getBean(BusPublisher.class);
				CompletableFuture<Void> publishing = CompletableFuture
					.runAsync(() -> publishAll(publisher, MESSAGES, -1));
				await().atMost(Duration.ofSeconds(60)).until(() -> a.distinct.size() > MESSAGES / 10);
				// its unacked deliveries go back to the queue, to the survivor
				doomedLink.cut();
				publishing.join();
				await().atMost(Duration.ofSeconds(120)).until(() -> union(a, b).size() == MESSAGES);
				// Redeliveries settled: the queue drained and the survivor's grouped acks
				// sent.
				String queue = survivor.getBean(BusListenerRegistry.class).registrations().get(0).definition().queue();
				try (Rabbit rabbit = Rabbit.connect()) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> rabbit.messageCount(queue) == 0 && survivor.getBean(BusListenerRegistry.class)
							.registrations()
							.get(0)
							.pendingAcks() == 0);
				}
				int handled = a.deliveries.get() + b.deliveries.get();
				double skipped = duplicatesSkipped(doomed) + duplicatesSkipped(survivor);
				System.out.printf(
						"[fault] consumer connection killed: sent %d, received %d distinct, handler ran %d"
								+ " times, %.0f redelivered duplicates skipped by the JDBC inbox%n",
						MESSAGES, union(a, b).size(), handled, skipped);
				assertThat(union(a, b)).hasSize(MESSAGES);
				assertThat(handled).as("the inbox let no duplicate reach the handler").isEqualTo(MESSAGES);
			}
			finally {
				new org.springframework.jdbc.core.JdbcTemplate(
						new org.springframework.jdbc.datasource.DriverManagerDataSource(
								"jdbc:postgresql://127.0.0.1:5432/bus", "postgres", "postgres"))
					.execute("drop table if exists " + inboxTable);
			}
		}
	}

	@Test
	void aBrokerRestartMidStreamLosesNoConfirmedMessage() throws Exception {
		String exchange = BusContexts.uniqueName("bus-fault");
		List<String> properties = new ArrayList<>(SecuredBroker.adminProperties());
		properties.addAll(List.of("bus.listener.recovery-interval=500ms", "bus.publisher.confirm-timeout=3s"));
		// On the node scripts/infra started for the tests: the shared broker is never
		// restarted.
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("load"),
				List.of(Counter.class), properties.toArray(String[]::new))) {
			this.restartedBrokerCleanup.track(context);
			BusContexts.awaitConsuming(context);
			ConfirmedLoad load = new ConfirmedLoad(context.getBean(BusPublisher.class), "load.item");
			Counter counter = context.getBean(Counter.class);
			CompletableFuture<Void> restart = load.faultAfter(MESSAGES / 10, SecuredBroker::restart);
			// Paced at 4,000 msg/s, going on until the restart is over (at most a minute
			// of traffic).
			int sent = load.run(4_000, MESSAGES, 60 * 4_000, restart);
			restart.join();
			int total = sent;
			await().atMost(Duration.ofSeconds(120)).until(() -> counter.distinct.size() == total);
			int deliveries = counter.deliveries.get();
			System.out.printf(
					"[fault] broker restarted mid-stream: sent %d (confirmed), %d publish attempts failed and"
							+ " were retried, received %d distinct, %d deliveries, duplicates %d%n",
					total, load.failedAttempts(), counter.distinct.size(), deliveries, deliveries - total);
			assertThat(counter.distinct).hasSize(total);
			assertThat(load.failedAttempts()).as("publishers saw the outage").isPositive();
		}
	}

	private static double duplicatesSkipped(ConfigurableApplicationContext context) {
		return context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
			.find("bus.delivery")
			.tag("reason", "duplicate")
			.timers()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

	private static Set<String> union(Counter a, Counter b) {
		Set<String> all = new HashSet<>(a.distinct);
		all.addAll(b.distinct);
		return all;
	}

	/**
	 * Publishes {@code count} messages, 500 in flight; a poison message at
	 * {@code poisonAt} if not negative.
	 */
	private static void publishAll(BusPublisher publisher, int count, int poisonAt) {
		Semaphore inFlight = new Semaphore(500);
		List<CompletableFuture<?>> all = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			inFlight.acquireUninterruptibly();
			all.add(publisher.publish(OutboundMessage.builder("load.item", "item-" + i).messageId("id-" + i).build())
				.whenComplete((receipt, error) -> inFlight.release()));
			if (i == poisonAt) {
				publisher.publish("load.item", "poison").join();
			}
		}
		CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
	}

}

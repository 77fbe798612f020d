package dev.bus.bench;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.outbox.OutboxObserver;

/**
 * Scenario E: Bus's transactional outbox on the local PostgreSQL. One message per
 * transaction at a fixed rate; the latency is the relay's own measure, from the row's
 * write in the transaction to the broker's confirm (an {@link OutboxObserver}), so it
 * includes the commit. Throughput is what the relay sustained end to end.
 */
final class OutboxContender implements Contender {

	private final String host;

	private final int port;

	OutboxContender(String host, int port) {
		this.host = host;
		this.port = port;
	}

	@Override
	public String name() {
		return "Bus outbox";
	}

	@Override
	public boolean supports(Scenario scenario) {
		return scenario == Scenario.E_OUTBOX;
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		Relayed relayed = new Relayed(messages);
		Relayed.current = relayed;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OutboxApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn", "spring.application.name=bench",
					"spring.rabbitmq.host=" + this.host, "spring.rabbitmq.port=" + this.port,
					"bus.exchange=bench-outbox-" + suffix, "bus.outbox.enabled=true",
					"bus.outbox.jdbc.table=bench_outbox_" + suffix, "bus.outbox.jdbc.initialize-schema=always",
					"bus.listener.prefetch=" + PREFETCH, "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/bus",
					"spring.datasource.username=postgres", "spring.datasource.password=postgres")
			.run()) {
			BusListenerRegistry registry = context.getBean(BusListenerRegistry.class);
			while (registry.registrations().get(0).activeConsumers() == 0) {
				Thread.onSpinWait();
			}
			BusPublisher publisher = context.getBean(BusPublisher.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			String padding = "x".repeat(PAYLOAD_BYTES - 40);
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				Contender.pace(start, i, scenario.rate);
				transactions.executeWithoutResult((status) -> publisher.publish("bench.outbox",
						new BusContender.Payload(System.nanoTime(), padding)));
			}
			relayed.latencies.await(2, TimeUnit.MINUTES, "Outbox relay");
			Measurement measurement = relayed.latencies.measurement(start, cpu);
			context.getBean(JdbcTemplate.class).execute("drop table bench_outbox_" + suffix);
			context.stop();
			try (var connection = context.getBean(org.springframework.amqp.rabbit.connection.ConnectionFactory.class)
				.createConnection(); var channel = connection.createChannel(false)) {
				channel.queueDelete("bench.bench.outbox");
				channel.queueDelete("bench.bench.outbox.dlq");
				channel.exchangeDelete("bench-outbox-" + suffix);
			}
			return measurement;
		}
	}

	/** The relay's confirms, with their latency; one per run. */
	static final class Relayed implements OutboxObserver {

		static volatile Relayed current;

		final Latencies latencies;

		Relayed(int messages) {
			this.latencies = new Latencies(messages);
		}

		@Override
		public void relayed(String topic, Duration latency) {
			this.latencies.record(latency.toNanos());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OutboxApplication {

		@Bean
		@Primary
		OutboxObserver benchOutboxObserver() {
			return Relayed.current;
		}

		@Bean
		TransactionTemplate benchTransactions(org.springframework.transaction.PlatformTransactionManager manager) {
			return new TransactionTemplate(manager);
		}

		@BusListener(topic = "bench.outbox")
		void on(BusContender.Payload payload) {
			// the sink: the queue must exist for the mandatory publish to be routed
		}

	}

}

package dev.bus.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Services in other languages in one flow with a Bus app, as sample-services/polyglot runs them: Bus publishes
 * {@code inventory.reserved}, a Node service (amqplib) turns each into {@code shipping.scheduled}, a Python service
 * (pika) turns that into {@code invoice.issued}, and a Bus listener receives it. Node, amqplib and Debian's
 * python3-pika come with {@code scripts/infra up}.
 */
class PolyglotIT {

	private static final Path SAMPLES = Path.of("..", "sample-services", "polyglot").toAbsolutePath().normalize();

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record StockReserved(String orderId, int units) {
	}

	record Invoice(String orderId, String carrier, long amountCents) {
	}

	public static class Invoices {

		final Received<BusMessage<Invoice>> issued = new Received<>();

		@BusListener(topic = "invoice.issued")
		void on(BusMessage<Invoice> invoice) {
			this.issued.add(invoice);
		}

	}

	@Test
	void aBusPublishGoesThroughNodeAndPythonServicesAndBackToABusListener() throws Exception {
		String exchange = BusContexts.uniqueName("bus-polyglot");
		String node = BusContexts.uniqueName("shipping");
		String python = BusContexts.uniqueName("invoicing");
		List<Process> processes = new ArrayList<>();
		try (ConfigurableApplicationContext app = BusContexts.start(exchange, BusContexts.uniqueName("orders"),
				List.of(Invoices.class))) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			List<String> nodeOutput = new CopyOnWriteArrayList<>();
			List<String> pythonOutput = new CopyOnWriteArrayList<>();
			processes.add(start(List.of("node", SAMPLES.resolve("node/shipping.js").toString(), "3"), exchange, node,
					"amqp://guest:guest@127.0.0.1:5672", nodeOutput));
			processes.add(start(List.of("/usr/bin/python3", SAMPLES.resolve("python/invoicing.py").toString(), "3"),
					exchange, python, "amqp://guest:guest@127.0.0.1:5672/%2F", pythonOutput));
			await().atMost(Duration.ofSeconds(30)).until(() -> nodeOutput.contains("shipping: ready")
					&& pythonOutput.contains("invoicing: ready"));

			BusPublisher publisher = app.getBean(BusPublisher.class);
			List<PublishReceipt> receipts = new ArrayList<>();
			for (int order = 1; order <= 3; order++) {
				receipts.add(publisher.publish("inventory.reserved", new StockReserved("o-" + order, order)).join());
			}

			List<BusMessage<Invoice>> invoices = app.getBean(Invoices.class).issued.awaitCount(3);
			assertThat(invoices).extracting(BusMessage::payload)
				.containsExactlyInAnyOrder(new Invoice("o-1", "node-express", 100), new Invoice("o-2", "node-express", 200),
						new Invoice("o-3", "node-express", 300));
			assertThat(invoices).allSatisfy((invoice) -> {
				assertThat(invoice.source()).isEqualTo("/invoicing");
				assertThat(invoice.messageId()).isNotBlank();
			});
			// Node read Bus's message id, type (the topic) and source from the AMQP properties.
			for (PublishReceipt receipt : receipts) {
				assertThat(nodeOutput).anyMatch((line) -> line.startsWith("shipping: received " + receipt.messageId()
						+ " type=inventory.reserved source=/"));
			}
			for (Process process : processes) {
				assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after its 3 messages").isTrue();
				assertThat(process.exitValue()).as(String.join("\n", nodeOutput) + "\n" + String.join("\n",
						pythonOutput)).isZero();
			}
		}
		finally {
			processes.forEach(Process::destroyForcibly);
			try (Rabbit rabbit = Rabbit.connect()) {
				rabbit.deleteQueue(node + ".inventory.reserved");
				rabbit.deleteQueue(python + ".shipping.scheduled");
				rabbit.deleteExchange(exchange);
			}
		}
	}

	/** Starts a service in another language with the bus settings in its environment; its output lines go to a list. */
	private static Process start(List<String> command, String exchange, String group, String url, List<String> output)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("AMQP_URL", url);
		builder.environment().put("BUS_EXCHANGE", exchange);
		builder.environment().put("GROUP", group);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new AssertionError(command.get(0) + " is missing: scripts/infra up installs node and python3-pika", ex);
		}
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				lines.lines().forEach(output::add);
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "output-" + group);
		reader.setDaemon(true);
		reader.start();
		return process;
	}

}

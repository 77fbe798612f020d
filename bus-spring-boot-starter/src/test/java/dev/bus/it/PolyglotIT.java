package dev.bus.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.PublishReceipt;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.transport.BrokerAccess;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;
import dev.bus.test.SteadyRate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Services in other languages in one flow with a Bus app, as sample-services/polyglot
 * runs them: Bus publishes {@code inventory.reserved}, a Node service (amqplib) turns
 * each into {@code shipping.scheduled}, a Python service (pika) turns that into
 * {@code invoice.issued}, and a Bus listener receives it; a Python reader decrypts an
 * encrypted topic; and a Node publisher proves its messages on a token topic. Node,
 * amqplib and Debian's python3-pika come with {@code scripts/infra up}.
 */
class PolyglotIT {

	private static final Path SAMPLES = Path.of("..", "sample-services", "polyglot").toAbsolutePath().normalize();

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@RegisterExtension
	final BrokerCleanup securedCleanup = new BrokerCleanup(Rabbit::connectSecured);

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
			await().atMost(Duration.ofSeconds(30))
				.until(() -> nodeOutput.contains("shipping: ready") && pythonOutput.contains("invoicing: ready"));

			BusPublisher publisher = app.getBean(BusPublisher.class);
			List<PublishReceipt> receipts = new ArrayList<>();
			for (int order = 1; order <= 3; order++) {
				receipts.add(publisher.publish("inventory.reserved", new StockReserved("o-" + order, order)).join());
			}

			List<BusMessage<Invoice>> invoices = app.getBean(Invoices.class).issued.awaitCount(3);
			assertThat(invoices).extracting(BusMessage::payload)
				.containsExactlyInAnyOrder(new Invoice("o-1", "node-express", 100),
						new Invoice("o-2", "node-express", 200), new Invoice("o-3", "node-express", 300));
			assertThat(invoices).allSatisfy((invoice) -> {
				assertThat(invoice.source()).isEqualTo("/invoicing");
				assertThat(invoice.messageId()).isNotBlank();
			});
			// Node read Bus's message id, type (the topic) and source from the AMQP
			// properties.
			for (PublishReceipt receipt : receipts) {
				assertThat(nodeOutput).anyMatch((line) -> line
					.startsWith("shipping: received " + receipt.messageId() + " type=inventory.reserved source=/"));
			}
			for (Process process : processes) {
				assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after its 3 messages").isTrue();
				assertThat(process.exitValue())
					.as(String.join("\n", nodeOutput) + "\n" + String.join("\n", pythonOutput))
					.isZero();
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

	/**
	 * The Node and Python services on the secured node, with 20-second tokens, under one
	 * order a second for 35 s: past their tokens' expiry RabbitMQ 3.10 refuses the next
	 * operation it has not authorised yet by closing that channel, and the services
	 * connect again with a fresh token (amqplib and pika cannot renew a token in place).
	 * Every order becomes an invoice; neither service dies.
	 */
	@Test
	void theNodeAndPythonServicesConnectAgainWhenTheirTokensExpire() throws Exception {
		SecuredBroker.requireRunning();
		String suffix = BusContexts.uniqueName("x").substring(2);
		String node = "shipping.expiry-" + suffix;
		String python = "invoicing.expiry-" + suffix;
		List<Process> processes = new ArrayList<>();
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "secure-invoices-" + suffix,
				List.of(Invoices.class), SecuredBroker.adminProperties().toArray(String[]::new));
				Rabbit admin = Rabbit.connectSecured()) {
			this.securedCleanup.track(app);
			BusContexts.awaitConsuming(app);
			Map<String, String> client = Map.of("AMQP_URL", "amqp://127.0.0.1:" + SecuredBroker.PORT + "/%2F",
					"BUS_EXCHANGE", SecuredBroker.EXCHANGE, "BUS_ISSUER", SecuredBroker.ISSUER, "CLIENT_ID",
					"bus-test-polyglot-short-lived", "CLIENT_SECRET", "bus-test-polyglot-short-lived-secret");
			List<String> nodeOutput = new CopyOnWriteArrayList<>();
			List<String> pythonOutput = new CopyOnWriteArrayList<>();
			Map<String, String> nodeEnvironment = new java.util.HashMap<>(client);
			nodeEnvironment.put("GROUP", node);
			// the client's registered scopes (an issuer grants only scopes registered
			// verbatim)
			nodeEnvironment.put("SCOPES",
					"rabbitmq.configure:*/bus rabbitmq.configure:*/shipping.* "
							+ "rabbitmq.read:*/bus/inventory.reserved rabbitmq.read:*/shipping.* "
							+ "rabbitmq.write:*/bus/shipping.scheduled rabbitmq.write:*/shipping.*");
			Map<String, String> pythonEnvironment = new java.util.HashMap<>(client);
			pythonEnvironment.put("GROUP", python);
			pythonEnvironment.put("SCOPES",
					"rabbitmq.configure:*/bus rabbitmq.configure:*/invoicing.* "
							+ "rabbitmq.read:*/bus/shipping.scheduled rabbitmq.read:*/invoicing.* "
							+ "rabbitmq.write:*/bus/invoice.issued rabbitmq.write:*/invoicing.*");
			processes.add(start(List.of("node", SAMPLES.resolve("node/shipping.js").toString()), nodeEnvironment,
					nodeOutput));
			processes.add(start(List.of("/usr/bin/python3", SAMPLES.resolve("python/invoicing.py").toString()),
					pythonEnvironment, pythonOutput));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> nodeOutput.contains("shipping: ready") && pythonOutput.contains("invoicing: ready"));

			int orders = 35;
			SteadyRate rate = new SteadyRate(1);
			for (int order = 1; order <= orders; order++) {
				rate.awaitSlot(order - 1);
				admin.publish(SecuredBroker.EXCHANGE, "inventory.reserved",
						new AMQP.BasicProperties.Builder().contentType("application/json").build(),
						("{\"orderId\":\"e-" + order + "\",\"units\":1}").getBytes(StandardCharsets.UTF_8));
			}
			Received<BusMessage<Invoice>> issued = app.getBean(Invoices.class).issued;
			await().atMost(Duration.ofSeconds(60))
				.until(() -> issued.items()
					.stream()
					.map((invoice) -> invoice.payload().orderId())
					.distinct()
					.count() == orders);
			String outputs = String.join("\n", nodeOutput) + "\n" + String.join("\n", pythonOutput);
			assertThat(processes).as(outputs).allMatch(Process::isAlive);
			System.out.printf("[token expiry] node: %d reconnection(s), python: %d%n",
					nodeOutput.stream().filter((line) -> line.contains("connecting again")).count(),
					pythonOutput.stream().filter((line) -> line.contains("connecting again")).count());
		}
		finally {
			processes.forEach(Process::destroyForcibly);
			try (Rabbit rabbit = Rabbit.connectSecured()) {
				rabbit.deleteQueue(node + ".inventory.reserved");
				rabbit.deleteQueue(python + ".shipping.scheduled");
			}
		}
	}

	record OrderPlaced(String orderId, String customer, long totalCents) {
	}

	/**
	 * The app's broker user, as an app that logs in with a password may declare it: its
	 * messages then carry {@code user_id}, which the broker verifies, and encrypted
	 * payloads are bound to it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class GuestBrokerUser {

		@Bean
		BrokerAccess guestBrokerAccess() {
			return BrokerAccess.user("guest");
		}

	}

	/**
	 * Python reads what Bus encrypted, with the topic's keyset (two keys, the second
	 * primary, as after a rotation) and the associated data bound to topic, message id
	 * and broker-verified publisher; a tampered ciphertext and a valid one under another
	 * message id are refused, never printed.
	 */
	@Test
	void aPythonServiceDecryptsAnEncryptedTopicAndRefusesTamperedOrMovedCiphertexts(@TempDir Path keys)
			throws Exception {
		AeadConfig.register();
		KeysetHandle keyset = KeysetHandle.newBuilder(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM))
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
				.withRandomId()
				.makePrimary())
			.build();
		Path keysetFile = keys.resolve("orders-placed.json");
		Files.writeString(keysetFile, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
		String exchange = BusContexts.uniqueName("bus-polyglot-crypto");
		String reader = BusContexts.uniqueName("reader");
		String view = BusContexts.uniqueName("broker-view");
		Process process = null;
		try (ConfigurableApplicationContext app = BusContexts.start(exchange, BusContexts.uniqueName("orders"),
				List.of(GuestBrokerUser.class), "bus.security.encryption.topics[0].pattern=orders.placed",
				"bus.security.encryption.topics[0].keyset=file:" + keysetFile); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(app);
			rabbit.declareQueueBoundTo(view, exchange, "orders.placed");
			List<String> output = new CopyOnWriteArrayList<>();
			process = start(List.of("/usr/bin/python3", SAMPLES.resolve("python/encrypted_reader.py").toString(), "5"),
					Map.of("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F", "BUS_EXCHANGE", exchange, "GROUP",
							reader, "TOPIC", "orders.placed", "KEYSET", keysetFile.toString()),
					output);
			await().atMost(Duration.ofSeconds(30)).until(() -> output.contains("encrypted-reader: ready"));

			BusPublisher publisher = app.getBean(BusPublisher.class);
			List<OrderPlaced> orders = List.of(new OrderPlaced("o-1", "ada", 1250), new OrderPlaced("o-2", "grace", 99),
					new OrderPlaced("o-3", "linus", 100000));
			List<PublishReceipt> receipts = new ArrayList<>();
			for (OrderPlaced order : orders) {
				receipts.add(publisher.publish("orders.placed", order).join());
			}
			// What the broker holds is ciphertext; taken from it: one copy with a bit
			// flipped, one under another id.
			GetResponse held = rabbit.get(view);
			assertThat(new String(held.getBody(), StandardCharsets.ISO_8859_1)).doesNotContain("ada");
			assertThat(String.valueOf(held.getProps().getHeaders().get("bus-encryption")))
				.isEqualTo("tink-aead-publisher");
			byte[] tampered = held.getBody().clone();
			tampered[tampered.length - 20] ^= 1;
			rabbit.publish(exchange, "orders.placed", held.getProps(), tampered);
			AMQP.BasicProperties moved = held.getProps().builder().messageId("another-id").build();
			rabbit.publish(exchange, "orders.placed", moved, held.getBody());

			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after its 5 messages").isTrue();
			String log = String.join("\n", output);
			assertThat(process.exitValue()).as(log).isZero();
			for (int i = 0; i < orders.size(); i++) {
				OrderPlaced order = orders.get(i);
				assertThat(output).as(log)
					.contains("encrypted-reader: decrypted " + receipts.get(i).messageId() + " from guest: "
							+ "{\"customer\": \"" + order.customer() + "\", \"orderId\": \"" + order.orderId()
							+ "\", \"totalCents\": " + order.totalCents() + "}");
			}
			assertThat(output).as(log)
				.contains("encrypted-reader: refused " + held.getProps().getMessageId() + ": it does not authenticate",
						"encrypted-reader: refused another-id: it does not authenticate",
						"encrypted-reader: decrypted 3, refused 2, done");
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			try (Rabbit rabbit = Rabbit.connect()) {
				rabbit.deleteQueue(reader + ".orders.placed");
				rabbit.deleteQueue(view);
				rabbit.deleteExchange(exchange);
			}
		}
	}

	record Order(String id) {
	}

	public static class ProvedOrders {

		final Received<BusMessage<Order>> received = new Received<>();

		@BusListener(topic = "${test.topic}", group = "${test.group}", maxAttempts = 1)
		void on(BusMessage<Order> order) {
			this.received.add(order);
		}

	}

	/**
	 * A Node publisher on a token topic, as docs/interop.md tells one to publish: a bus
	 * token bound to its own key (DPoP, from the real issuer) and a proof per message; a
	 * Bus listener requiring proofs takes its messages as from that client, and
	 * dead-letters the one whose body was changed after its proof was made.
	 */
	@Test
	void aNodePublisherBindsItsTokenAndProvesItsMessagesAsBusDoes() throws Exception {
		SecuredBroker.requireRunning();
		String topic = BusContexts.uniqueName("secure.polyglot");
		String group = BusContexts.uniqueName("secure-polyglot");
		try (ConfigurableApplicationContext app = SecuredBroker.start(BusContexts.uniqueName("proved-orders"),
				"bus-test-app", List.of(ProvedOrders.class), "bus.security.message-token.topics=secure.#",
				"bus.security.message-token.issuer-uri=" + SecuredBroker.ISSUER,
				"bus.security.message-token.jwk-set-uri=" + SecuredBroker.ISSUER + "/oauth2/jwks",
				"test.topic=" + topic, "test.group=" + group); Rabbit admin = Rabbit.connectSecured()) {
			this.securedCleanup.track(app);
			BusContexts.awaitConsuming(app);
			List<String> output = new CopyOnWriteArrayList<>();
			Process node = start(List.of("node", SAMPLES.resolve("node/proved_publisher.js").toString(), "3", "tamper"),
					Map.of("AMQP_URL", "amqp://127.0.0.1:" + SecuredBroker.PORT + "/%2F", "BUS_EXCHANGE",
							SecuredBroker.EXCHANGE, "BUS_ISSUER", SecuredBroker.ISSUER, "CLIENT_ID", "bus-test-app",
							"CLIENT_SECRET", "bus-test-app-secret", "TOPIC", topic, "GROUP", group, "BROKER_SCOPES",
							"rabbitmq.write:*/bus/secure.*", "MESSAGE_SCOPES", "bus.publish:secure.*"),
					output);
			assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished: %s", output).isTrue();
			assertThat(node.exitValue()).as("node: %s", output).isZero();

			ProvedOrders orders = app.getBean(ProvedOrders.class);
			assertThat(orders.received.awaitCount(3)).allSatisfy((order) -> {
				assertThat(order.publisher().subject()).isEqualTo("bus-test-app");
				assertThat(order.payload().id()).startsWith("node-");
			});
			String deadLetters = app.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();
			assertThat(admin.nextHeaders(deadLetters)).containsEntry("bus-failure-reason", "unauthenticated")
				.hasEntrySatisfying("bus-failure-message",
						(message) -> assertThat(message).contains("does not cover this message"));
			assertThat(orders.received.items()).as("the tampered message never reached the method").hasSize(3);
		}
	}

	/**
	 * Starts a service in another language with the bus settings in its environment; its
	 * output lines go to a list.
	 */
	private static Process start(List<String> command, String exchange, String group, String url, List<String> output)
			throws IOException {
		return start(command, Map.of("AMQP_URL", url, "BUS_EXCHANGE", exchange, "GROUP", group), output);
	}

	/**
	 * Starts a service in another language with this environment; its output lines go to
	 * a list.
	 */
	private static Process start(List<String> command, Map<String, String> environment, List<String> output)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		String group = environment.get("GROUP");
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new AssertionError(command.get(0) + " is missing: scripts/infra up installs node and python3-pika",
					ex);
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

package dev.bus.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.core.operations.ReplayResult;
import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.actuate.BusEndpoint;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Attacks from outside the application, by a legitimate but limited client of the secured
 * node ({@code
 * bus-test-mallory}: names of its own, read on the victim's topics, write on one topic of
 * its own and on the default exchange, as a responder holds), through the broker features
 * that route around topic scopes: the default exchange, dead-letter and alternate
 * exchanges, exchange-to-exchange bindings, {@code CC} headers, forged Bus headers and a
 * dead letter planted for an operator to replay. Each must be refused with its reason,
 * and none may reach the handler.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileClientIT {

	private static final String MALLORY_SCOPES = String.join(" ", "rabbitmq.configure:*/mallory.*",
			"rabbitmq.read:*/mallory.*", "rabbitmq.write:*/mallory.*", "rabbitmq.read:*/bus/secure.hostile.*",
			"rabbitmq.write:*/bus/secure.chatter", "rabbitmq.write:*/amq.default");

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectSecured);

	record Order(String id) {
	}

	static class Victim {

		final Received<BusMessage<Order>> received = new Received<>();

		@BusListener(topic = "${test.topic}", group = "${test.group}", maxAttempts = 1)
		void on(BusMessage<Order> order) {
			this.received.add(order);
		}

	}

	@Test
	void attacksBehindTheFrontDoorAreRefusedAndNeverReachTheHandler(CapturedOutput output) throws Exception {
		String suffix = BusContexts.uniqueName("x").substring(2);
		String topic = "secure.hostile." + suffix + ".cancel";
		String published = "secure.hostile." + suffix + ".created";
		String group = "secure-hostile-" + suffix;
		try (ConfigurableApplicationContext victim = SecuredBroker.start("secure-victim", "bus-test-app",
				List.of(Victim.class), "test.topic=" + topic, "test.group=" + group,
				"management.endpoints.web.exposure.include=bus");
				Rabbit admin = Rabbit.connectSecured();
				Connection mallory = malloryConnection()) {
			this.cleanup.track(victim);
			BusContexts.awaitConsuming(victim);
			BusListenerDefinition listener = victim.getBean(BusListenerRegistry.class).definitions().get(0);
			Victim handler = victim.getBean(Victim.class);
			Channel attacker = mallory.createChannel();
			attacker.confirmSelect();

			// 1. Pushed into the listener's queue through the default exchange, claiming
			// to be a moved message of the
			// topic from the victim's own user, with a message id that tries to forge a
			// log line.
			attacker.basicPublish("", listener.queue(), true, forged("m-1\n2026-12-06T00:00:00Z  INFO FORGED-LINE"),
					json("o-1"));
			attacker.waitForConfirmsOrDie(5000);
			assertThat(failureOfNext(admin, listener.deadLetterQueue()))
				.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
				.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
						(message) -> assertThat(message).contains("delivered through exchange ''"))
				.as("what the attacker wrote is not passed on as the victim's")
				.doesNotContainEntry(BusHeaders.ORIGINAL_USER_ID, "bus-test-app");
			assertThat(output.getAll()).as("a value from a message cannot end a log line")
				.doesNotContain("\n2026-12-06T00:00:00Z  INFO FORGED-LINE")
				.contains("m-1\\n2026-12-06T00:00:00Z  INFO FORGED-LINE");

			// 2. The broker re-routes a real message of the victim (its user_id intact)
			// onto another topic: the
			// attacker's queue reads the published topic and dead-letters into the bus
			// with the listener's topic.
			String trap = "mallory.trap." + suffix;
			this.cleanup.queue(trap);
			attacker.queueDeclare(trap, false, false, true, Map.of("x-message-ttl", 0, "x-dead-letter-exchange",
					SecuredBroker.EXCHANGE, "x-dead-letter-routing-key", topic));
			attacker.queueBind(trap, SecuredBroker.EXCHANGE, published);
			victim.getBean(BusPublisher.class).publish(published, new Order("o-2")).join();
			assertThat(failureOfNext(admin, listener.deadLetterQueue()))
				.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
				.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE, (message) -> assertThat(message)
					.contains("dead-lettered into the bus exchange from queue '" + trap + "'"));

			// 3. An alternate exchange and 4. an exchange-to-exchange binding route the
			// attacker's publish into the bus.
			String alternate = "mallory.alternate." + suffix;
			String bound = "mallory.bound." + suffix;
			this.cleanup.exchange(alternate);
			this.cleanup.exchange(bound);
			// (not topic exchanges: the broker checks routing keys on those, and the
			// attacker's scopes name none)
			attacker.exchangeDeclare(alternate, "direct", false, true,
					Map.of("alternate-exchange", SecuredBroker.EXCHANGE));
			attacker.exchangeDeclare(bound, "fanout", false, true, null);
			attacker.exchangeBind(SecuredBroker.EXCHANGE, bound, "");
			for (String exchange : List.of(alternate, bound)) {
				attacker.basicPublish(exchange, topic, true, plain("o-" + exchange), json("o-3"));
				attacker.waitForConfirmsOrDie(5000);
				assertThat(failureOfNext(admin, listener.deadLetterQueue()))
					.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
					.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
							(message) -> assertThat(message).contains("delivered through exchange '" + exchange + "'"));
			}

			// 5. A CC header adds the listener's queue to a publish on a topic the
			// attacker may write.
			Map<String, Object> cc = new HashMap<>();
			cc.put("CC", List.of(topic));
			attacker.basicPublish(SecuredBroker.EXCHANGE, "secure.chatter", false,
					plain("o-cc").builder().headers(cc).build(), json("o-5"));
			attacker.waitForConfirmsOrDie(5000);
			assertThat(failureOfNext(admin, listener.deadLetterQueue()))
				.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
				.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
						(message) -> assertThat(message).contains("topic 'secure.chatter' is not one listener"));

			// 6. Dead letters planted for an operator to replay: one pushed straight into
			// the dead-letter queue with
			// the victim's user as its first publisher, and one the listener moved there
			// after refusing it (1 again).
			attacker.basicPublish("", listener.deadLetterQueue(), true, forged("m-6"), json("o-6"));
			attacker.basicPublish("", listener.queue(), true, forged("m-7"), json("o-7"));
			attacker.waitForConfirmsOrDie(5000);
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(listener.deadLetterQueue()) == 2);
			ReplayResult replay = victim.getBean(BusEndpoint.class).replay(listener.id(), null, null, null, null);
			assertThat(replay.replayed()).isZero();
			assertThat(replay.refused()).isEqualTo(2);
			// refused, never dropped (passed-over messages return to the queue
			// asynchronously)
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(listener.deadLetterQueue()) == 2);

			// The listener works: the victim's own message on the topic reaches it.
			victim.getBean(BusPublisher.class).publish(topic, new Order("o-real")).join();
			assertThat(handler.received.awaitCount(1)).extracting((message) -> message.payload().id())
				.as("nothing the attacker sent reached the handler")
				.containsExactly("o-real");
		}
	}

	/**
	 * A client without configure on the bus exchange learns what to grant, not to delete
	 * the exchange.
	 */
	@Test
	void anAppThatMayNotDeclareTheBusExchangeIsToldWhatToGrant() {
		List<String> properties = new ArrayList<>(
				SecuredBroker.clientProperties("bus-test-mallory", MALLORY_SCOPES.replace(' ', ',')));
		properties.add("spring.rabbitmq.port=" + SecuredBroker.PORT);
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "mallory-app", List.of(),
				properties.toArray(String[]::new))) {
			BusTopology topology = app.getBean(BusTopology.class);
			topology.declare();
			await().atMost(Duration.ofSeconds(10)).until(() -> topology.exchangeProblem() != null);
			assertThat(topology.exchangeProblem()).contains("refused this application's declaration of exchange 'bus'")
				.contains("rabbitmq.configure:<vhost>/bus")
				.doesNotContain("delete");
			// and its token's health says which scopes the client lacks
			Health health = app.getBean("busBrokerTokenHealthIndicator", HealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("missingScopes")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.containsExactly("rabbitmq.configure:*/bus");
		}
	}

	/**
	 * The sample identities: the node's administrator has no fixed password, and the
	 * tests' certificate user may use only the tests' names.
	 */
	@Test
	void noFixedAdministratorPasswordAndTheTestCertificateIsBoundedToItsNames() throws Exception {
		SecuredBroker.requireRunning();
		ConnectionFactory fixed = new ConnectionFactory();
		fixed.setHost(Rabbit.HOST);
		fixed.setPort(SecuredBroker.PORT);
		fixed.setUsername(SecuredBroker.ADMIN);
		fixed.setPassword(SecuredBroker.ADMIN);
		assertThatThrownBy(fixed::newConnection).isInstanceOf(AuthenticationFailureException.class);

		String pki = SecuredBroker.pki().toString();
		SslBundle bundle = SslBundle.of(new PemSslStoreBundle(
				new PemSslStoreDetails(null, "file:" + pki + "/client.pem", "file:" + pki + "/client-key.pem"),
				new PemSslStoreDetails(null, "file:" + pki + "/ca.pem", null)));
		ConnectionFactory certificate = new ConnectionFactory();
		certificate.setHost("localhost");
		certificate.setPort(SecuredBroker.TLS_PORT);
		certificate.useSslProtocol(bundle.createSslContext());
		certificate.setSaslConfig(DefaultSaslConfig.EXTERNAL);
		try (Connection connection = certificate.newConnection("bus-client")) {
			Channel declare = connection.createChannel();
			assertThatThrownBy(() -> declare.queueDeclare("orders.stolen", false, false, true, null))
				.as("a queue outside the tests' names")
				.isInstanceOf(IOException.class);
			assertThat(declare.getCloseReason().getMessage()).contains("ACCESS_REFUSED");
			Channel publish = connection.createChannel();
			publish.confirmSelect();
			publish.basicPublish(SecuredBroker.EXCHANGE, "orders.created", null, json("o-cert"));
			assertThatThrownBy(() -> publish.waitForConfirmsOrDie(5000)).as("a topic outside the tests' names")
				.hasMessageContaining("ACCESS_REFUSED")
				.hasMessageContaining("topic 'orders.created'");
		}
	}

	private static Connection malloryConnection() throws Exception {
		SecuredBroker.requireRunning();
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(Rabbit.HOST);
		factory.setPort(SecuredBroker.PORT);
		factory.setUsername("");
		factory.setPassword(SecuredBroker.token("bus-test-mallory", MALLORY_SCOPES.replace(' ', '+')));
		return factory.newConnection("mallory");
	}

	/** What a moved message of the victim's would carry, written by the attacker. */
	private static AMQP.BasicProperties forged(String messageId) {
		Map<String, Object> headers = new HashMap<>();
		headers.put(BusHeaders.ORIGINAL_TOPIC, "secure.hostile.orders.created");
		headers.put(BusHeaders.ORIGINAL_USER_ID, "bus-test-app");
		headers.put(BusHeaders.ATTEMPT, 1);
		headers.put(BusHeaders.FAILURE_REASON, "handler-failed");
		return new AMQP.BasicProperties.Builder().contentType("application/json")
			.messageId(messageId)
			.headers(headers)
			.deliveryMode(2)
			.build();
	}

	private static AMQP.BasicProperties plain(String messageId) {
		return new AMQP.BasicProperties.Builder().contentType("application/json").messageId(messageId).build();
	}

	private static byte[] json(String id) {
		return ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	private static Map<String, String> failureOfNext(Rabbit admin, String queue) throws Exception {
		return admin.nextHeaders(queue);
	}

}

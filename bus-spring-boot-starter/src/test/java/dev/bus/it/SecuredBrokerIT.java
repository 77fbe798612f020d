package dev.bus.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.failure.RetryPolicy;
import dev.bus.listener.SenderRestriction;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.security.ClientToken;
import dev.bus.security.RequiredScopes;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;
import dev.bus.test.SteadyRate;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Applications authenticating to the real secured RabbitMQ node with client-credentials
 * tokens from the real issuer (bus-issuer): the token's subject is the broker user and
 * every message's {@code user_id}, a publish outside the token's scopes fails alone, the
 * token is replaced on the live connection before it expires, an issuer that is down at
 * start-up delays the connection but not the application, and no secret reaches the logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecuredBrokerIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectSecured);

	record Order(String id, int units) {
	}

	static class Orders {

		final Received<BusMessage<Order>> received = new Received<>();

		final Set<String> failOnce = ConcurrentHashMap.newKeySet();

		@BusListener(topic = "${test.topic}", group = "${test.group}", initialInterval = "200ms")
		void on(BusMessage<Order> order) {
			if (order.attempt() == 1 && this.failOnce.remove(order.payload().id())) {
				throw new IllegalStateException("first attempt fails");
			}
			this.received.add(order);
		}

	}

	/** A new AES-256-GCM keyset in Tink's JSON form. */
	private static Path keyset(Path dir) throws Exception {
		com.google.crypto.tink.aead.AeadConfig.register();
		Path keyset = dir.resolve("secure.json");
		Files.writeString(keyset,
				com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
						com.google.crypto.tink.KeysetHandle
							.generateNew(com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM),
						com.google.crypto.tink.InsecureSecretKeyAccess.get()));
		return keyset;
	}

	private static String[] listenerOn(String topic, String... more) {
		List<String> properties = new ArrayList<>(
				List.of("test.topic=" + topic, "test.group=" + BusContexts.uniqueName("secure-group"),
						"logging.level.dev.bus=DEBUG", "logging.level.org.springframework.security=DEBUG",
						"logging.level.com.rabbitmq=DEBUG", "logging.level.org.springframework.web.client=DEBUG"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	@Test
	void messagesCarryTheTokensSubjectAsUserIdAndNoSecretIsLogged(CapturedOutput output) throws Exception {
		String topic = BusContexts.uniqueName("secure.orders");
		String brokerView = BusContexts.uniqueName("secure-view");
		try (ConfigurableApplicationContext app = SecuredBroker.start("secure-app", "bus-test-app",
				List.of(Orders.class), listenerOn(topic)); Rabbit admin = Rabbit.connectSecured()) {
			this.cleanup.track(app);
			this.cleanup.queue(brokerView);
			BusContexts.awaitConsuming(app);
			admin.declareQueueBoundTo(brokerView, SecuredBroker.EXCHANGE, topic);

			app.getBean(BusPublisher.class).publish(topic, new Order("o-1", 2)).join();

			BusMessage<Order> received = app.getBean(Orders.class).received.awaitCount(1).get(0);
			assertThat(received.payload()).isEqualTo(new Order("o-1", 2));
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(brokerView) == 1);
			GetResponse onTheBroker = admin.get(brokerView);
			assertThat(onTheBroker.getProps().getUserId()).as("broker-verified publisher").isEqualTo("bus-test-app");

			BrokerTokenCredentials credentials = app.getBean(BrokerTokenCredentials.class);
			Health health = app.getBean("busBrokerTokenHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("brokerUser", "bus-test-app");
			String token = credentials.tokens().current().value();
			assertThat(health.toString()).doesNotContain(token);
			assertThat(output.getAll()).as("a secured run's logs, at DEBUG")
				.contains("Obtained a token")
				.contains("RabbitMQ scopes this application needs: [rabbitmq.configure:*/bus, ")
				.contains("Broker connections: no TLS, login with OAuth2 tokens")
				.doesNotContain("bus-test-app-secret")
				.doesNotContain(token)
				.doesNotContain(token.substring(token.lastIndexOf('.') + 1));
		}
	}

	/**
	 * Certificate login (SASL EXTERNAL) on the TLS listener: the client certificate's
	 * common name is the broker user, and every message (the publisher's own connection's
	 * included) carries it as {@code user_id}.
	 */
	@Test
	void anApplicationLogsInWithItsClientCertificate() throws Exception {
		String topic = BusContexts.uniqueName("secure.orders");
		String brokerView = BusContexts.uniqueName("secure-view");
		String pki = SecuredBroker.pki().toString();
		String bundle = "spring.ssl.bundle.pem.bus-client.";
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "secure-cert",
				List.of(Orders.class),
				listenerOn(topic, "spring.rabbitmq.port=" + SecuredBroker.TLS_PORT, "spring.rabbitmq.ssl.enabled=true",
						"spring.rabbitmq.ssl.bundle=bus-client",
						bundle + "keystore.certificate=file:" + pki + "/client.pem",
						bundle + "keystore.private-key=file:" + pki + "/client-key.pem",
						bundle + "truststore.certificate=file:" + pki + "/ca.pem",
						"bus.security.certificate-login=true", "spring.rabbitmq.username=nobody",
						"spring.rabbitmq.password=wrong"));
				Rabbit admin = Rabbit.connectSecured()) {
			this.cleanup.track(app);
			this.cleanup.queue(brokerView);
			BusContexts.awaitConsuming(app);
			admin.declareQueueBoundTo(brokerView, SecuredBroker.EXCHANGE, topic);
			app.getBean(BusPublisher.class).publish(topic, new Order("o-cert", 1)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(1)).hasSize(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(brokerView) == 1);
			assertThat(admin.get(brokerView).getProps().getUserId()).isEqualTo("bus-client");
		}
		assertThatThrownBy(() -> BusContexts.start(SecuredBroker.EXCHANGE, "secure-cert", List.of(),
				"spring.rabbitmq.port=" + SecuredBroker.PORT, "bus.security.certificate-login=true"))
			.hasStackTraceContaining("bus.security.certificate-login needs TLS with a client certificate");
	}

	/**
	 * Encrypted payloads are bound to the broker-verified publisher: the listener
	 * decrypts the publisher's message, and the same ciphertext, headers and id sent
	 * again by another broker user does not decrypt.
	 */
	@Test
	void anEncryptedPayloadSentAgainByAnotherUserDoesNotDecrypt(@TempDir Path keys) throws Exception {
		Path keyset = keyset(keys);
		String topic = BusContexts.uniqueName("secure.sealed");
		String brokerView = BusContexts.uniqueName("secure-view");
		try (ConfigurableApplicationContext app = SecuredBroker.start("secure-sealed", "bus-test-app",
				List.of(Orders.class),
				listenerOn(topic, "bus.security.encryption.topics[0].pattern=secure.#",
						"bus.security.encryption.topics[0].keyset=file:" + keyset));
				Rabbit admin = Rabbit.connectSecured()) {
			this.cleanup.track(app);
			this.cleanup.queue(brokerView);
			BusContexts.awaitConsuming(app);
			admin.declareQueueBoundTo(brokerView, SecuredBroker.EXCHANGE, topic);
			app.getBean(BusPublisher.class).publish(topic, new Order("o-sealed", 1)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(1).get(0).payload().id()).isEqualTo("o-sealed");
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(brokerView) == 1);
			GetResponse sealed = admin.get(brokerView);
			assertThat(sealed.getProps().getHeaders().get(BusHeaders.ENCRYPTION))
				.hasToString(BusHeaders.ENCRYPTION_AEAD_PUBLISHER);

			// The broker's administrator captures it and sends it again, byte for byte,
			// as itself.
			admin.publish(SecuredBroker.EXCHANGE, topic,
					sealed.getProps().builder().userId(SecuredBroker.ADMIN).build(), sealed.getBody());
			String deadLetters = app.getBean(dev.bus.listener.BusListenerRegistry.class)
				.definitions()
				.get(0)
				.deadLetterQueue();
			await().atMost(Duration.ofSeconds(10)).until(() -> admin.messageCount(deadLetters) == 1);
			assertThat(admin.get(deadLetters).getProps().getHeaders().get(BusHeaders.FAILURE_REASON))
				.hasToString("decryption-failed");
			assertThat(app.getBean(Orders.class).received.items()).hasSize(1);
		}
	}

	/**
	 * Encrypted too: the retry, sent by the listener, still decrypts as the first
	 * publisher's message.
	 */
	@Test
	void aRetryOfAnotherUsersMessageIsSentAsTheListenerAndKeepsTheOriginalUser(@TempDir Path keys) throws Exception {
		String topic = BusContexts.uniqueName("secure.orders");
		String[] encryption = { "bus.security.encryption.topics[0].pattern=secure.#",
				"bus.security.encryption.topics[0].keyset=file:" + keyset(keys) };
		try (ConfigurableApplicationContext listener = SecuredBroker.start("secure-listener", "bus-test-app",
				List.of(Orders.class), listenerOn(topic, encryption));
				ConfigurableApplicationContext publisher = SecuredBroker.start("secure-publisher", "bus-test-other",
						List.of(), encryption)) {
			this.cleanup.track(listener);
			BusContexts.awaitConsuming(listener);
			Orders orders = listener.getBean(Orders.class);
			orders.failOnce.add("o-retried");

			publisher.getBean(BusPublisher.class).publish(topic, new Order("o-retried", 1)).join();

			BusMessage<Order> retried = orders.received.awaitCount(1).get(0);
			assertThat(retried.attempt()).isEqualTo(2);
			assertThat(retried.header(BusHeaders.ORIGINAL_USER_ID)).isEqualTo("bus-test-other");
		}
	}

	/**
	 * An application whose token has exactly the scopes Bus lists for it (the {@code bus}
	 * endpoint's {@code requiredScopes}) declares, binds, publishes, consumes and
	 * retries: nothing the broker checks is missing. OAuth2 clients can only ask for
	 * scopes registered verbatim, so the issuer's bus-test-least client has them for
	 * these fixed names.
	 */
	@Test
	void theListedScopesAreEnough() {
		String topic = "secure.least";
		String group = "secure-least";
		List<String> listed = new RequiredScopes("rabbitmq", "/", SecuredBroker.EXCHANGE, List.of(), true)
			.broker(List.of(new BusListenerDefinition("orders.on", TopicPattern.of(topic), group, group + "." + topic,
					group + "." + topic + ".dlq", false, false, "1", 10, "", java.util.Map.of(), RetryPolicy.NONE,
					false, SenderRestriction.NONE, List.of(), null)), List.of(topic));
		assertThat(listed).containsExactly("rabbitmq.configure:*/bus", "rabbitmq.configure:*/secure-least.*",
				"rabbitmq.read:*/bus/secure.least", "rabbitmq.read:*/secure-least.*",
				"rabbitmq.write:*/bus/secure.least", "rabbitmq.write:*/secure-least.*");
		List<String> properties = new ArrayList<>(
				SecuredBroker.clientProperties("bus-test-least", String.join(",", listed)));
		properties.addAll(
				List.of("spring.rabbitmq.port=" + SecuredBroker.PORT, "test.topic=" + topic, "test.group=" + group));
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "secure-least",
				List.of(Orders.class), properties.toArray(String[]::new))) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			assertThat(app.getBean(BrokerTokenCredentials.class).tokens().current().scopes())
				.containsExactlyInAnyOrderElementsOf(listed);
			app.getBean(Orders.class).failOnce.add("o-least");
			app.getBean(BusPublisher.class).publish(topic, new Order("o-least", 1)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(1).get(0).attempt()).isEqualTo(2);
		}
	}

	@Test
	void aPublishOutsideTheTokensScopesFailsAloneAsForbidden() {
		String topic = BusContexts.uniqueName("secure.orders");
		try (ConfigurableApplicationContext app = SecuredBroker.start("secure-app", "bus-test-app",
				List.of(Orders.class), listenerOn(topic))) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			BusPublisher publisher = app.getBean(BusPublisher.class);

			List<CompletableFuture<?>> allowed = new ArrayList<>();
			CompletableFuture<?> refused = null;
			for (int i = 0; i < 100; i++) {
				allowed.add(publisher.publish(topic, new Order("o-" + i, i)));
				if (i == 50) {
					refused = publisher.publish("payments.captured", new Order("p-1", 1));
				}
			}

			assertThatThrownBy(refused::join).hasCauseInstanceOf(BusPublishException.class)
				.cause()
				.satisfies((ex) -> assertThat(((BusPublishException) ex).getReason())
					.isEqualTo(BusPublishException.Reason.FORBIDDEN))
				.hasMessageContaining("'payments.captured'")
				.hasMessageContaining("rabbitmq.write:*/bus/payments.captured");
			CompletableFuture.allOf(allowed.toArray(CompletableFuture[]::new)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(100)).hasSize(100);
		}
	}

	/**
	 * The short-lived client's tokens live 20 s; publishing steadily for 30 s crosses the
	 * first token's expiry. Without the refresh on the live connection, the broker
	 * refuses every operation from then on.
	 */
	@Test
	void theTokenIsReplacedOnTheLiveConnectionUnderLoadWithNothingLost() throws Exception {
		String topic = BusContexts.uniqueName("secure.load");
		try (ConfigurableApplicationContext app = SecuredBroker.start("secure-load", "bus-test-short-lived",
				List.of(Orders.class), listenerOn(topic, "logging.level.com.rabbitmq=INFO"))) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			BrokerTokenCredentials credentials = app.getBean(BrokerTokenCredentials.class);
			ClientToken first = credentials.tokens().current();
			BusPublisher publisher = app.getBean(BusPublisher.class);

			List<CompletableFuture<?>> published = new ArrayList<>();
			int count = 0;
			Instant until = first.expiresAt().plusSeconds(8);
			SteadyRate rate = new SteadyRate(200);
			while (Instant.now().isBefore(until)) {
				rate.awaitSlot(count);
				published.add(publisher.publish(topic, new Order("o-" + count++, 1)));
			}

			CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(count)).hasSize(count);
			assertThat(credentials.tokens().current().expiresAt()).as("a new token").isAfter(first.expiresAt());
			assertThat(count).isGreaterThan(3000);
		}
	}

	@Test
	void anIssuerDownAtStartDelaysTheConnectionNotTheApplication() throws Exception {
		String topic = BusContexts.uniqueName("secure.orders");
		try (TcpProxy issuer = new TcpProxy(9000);
				ConfigurableApplicationContext app = SecuredBroker
					.start("secure-app", "bus-test-app", List.of(Orders.class),
							listenerOn(topic,
									"spring.security.oauth2.client.provider.bus-issuer.token-uri=http://127.0.0.1:"
											+ issuer.port() + "/oauth2/token",
									"bus.security.broker-token.timeout=1s"))) {
			this.cleanup.track(app);
			HealthIndicator health = app.getBean("busBrokerTokenHealthIndicator", HealthIndicator.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
			assertThat(String.valueOf(health.health().getDetails().get("problem")))
				.contains("cannot obtain a token for client 'bus-test-app'")
				.contains("127.0.0.1:" + issuer.port() + "/oauth2/token")
				.doesNotContain("secret");
			assertThatThrownBy(() -> app.getBean(BusPublisher.class).publish(topic, new Order("early", 1)).join())
				.hasCauseInstanceOf(BusPublishException.class);

			issuer.open();

			BusContexts.awaitConsuming(app);
			app.getBean(BusPublisher.class).publish(topic, new Order("o-1", 1)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(1).get(0).payload().id()).isEqualTo("o-1");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		}
	}

	/**
	 * Certificate login and per-message tokens: the token's subject must be the
	 * certificate's user, else every listener refuses every message. The publish fails at
	 * once, saying so, instead of dead-lettering everything.
	 */
	@Test
	void aPerMessageTokenOfAnotherUserThanTheCertificateFailsThePublishSayingWhy() {
		String topic = BusContexts.uniqueName("secure.orders");
		String pki = SecuredBroker.pki().toString();
		String bundle = "spring.ssl.bundle.pem.bus-client.";
		String registration = "spring.security.oauth2.client.registration.bus-messages.";
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "secure-cert-token",
				List.of(), "spring.rabbitmq.port=" + SecuredBroker.TLS_PORT, "spring.rabbitmq.ssl.enabled=true",
				"spring.rabbitmq.ssl.bundle=bus-client", bundle + "keystore.certificate=file:" + pki + "/client.pem",
				bundle + "keystore.private-key=file:" + pki + "/client-key.pem",
				bundle + "truststore.certificate=file:" + pki + "/ca.pem", "bus.security.certificate-login=true",
				registration + "client-id=bus-test-app", registration + "client-secret=bus-test-app-secret",
				registration + "authorization-grant-type=client_credentials",
				registration + "scope=bus.publish:secure.*", registration + "provider=bus-issuer",
				"spring.security.oauth2.client.provider.bus-issuer.token-uri=" + SecuredBroker.ISSUER + "/oauth2/token",
				"bus.security.message-token.registration=bus-messages", "bus.security.message-token.topics=secure.#",
				"bus.security.message-token.issuer-uri=" + SecuredBroker.ISSUER,
				"bus.security.message-token.jwk-set-uri=" + SecuredBroker.ISSUER + "/oauth2/jwks")) {
			CompletableFuture<?> publish = app.getBean(BusPublisher.class).publish(topic, new Order("o-1", 1));
			assertThatThrownBy(publish::join).hasCauseInstanceOf(BusPublishException.class)
				.hasMessageContaining("subject 'bus-test-app' is not the broker user 'bus-client'")
				.hasMessageContaining("certificate's common name");
		}
	}

	@Test
	void theTlsListenerTakesClientsWithACertificateFromTheCaOnly() {
		String topic = BusContexts.uniqueName("secure.orders");
		String pki = SecuredBroker.pki().toString();
		String bundle = "spring.ssl.bundle.pem.bus-client.";
		try (ConfigurableApplicationContext app = SecuredBroker.start("secure-tls", "bus-test-app",
				List.of(Orders.class),
				listenerOn(topic, "spring.rabbitmq.port=" + SecuredBroker.TLS_PORT, "spring.rabbitmq.ssl.enabled=true",
						"spring.rabbitmq.ssl.bundle=bus-client",
						bundle + "keystore.certificate=file:" + pki + "/client.pem",
						bundle + "keystore.private-key=file:" + pki + "/client-key.pem",
						bundle + "truststore.certificate=file:" + pki + "/ca.pem"))) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			app.getBean(BusPublisher.class).publish(topic, new Order("over-tls", 1)).join();
			assertThat(app.getBean(Orders.class).received.awaitCount(1)).hasSize(1);
		}
		AtomicBoolean started = new AtomicBoolean();
		try (ConfigurableApplicationContext noCertificate = SecuredBroker.start("secure-no-cert", "bus-test-app",
				List.of(), "spring.rabbitmq.port=" + SecuredBroker.TLS_PORT, "spring.rabbitmq.ssl.enabled=true",
				"spring.rabbitmq.ssl.bundle=ca-only",
				"spring.ssl.bundle.pem.ca-only.truststore.certificate=file:" + pki + "/ca.pem")) {
			started.set(true);
			assertThatThrownBy(
					() -> noCertificate.getBean(BusPublisher.class).publish(topic, new Order("no-cert", 1)).join())
				.hasCauseInstanceOf(BusPublishException.class)
				.cause()
				.satisfies((ex) -> assertThat(((BusPublishException) ex).getReason())
					.isEqualTo(BusPublishException.Reason.CONNECTION_LOST));
		}
		assertThat(started).as("an application without a certificate starts; only its connection fails").isTrue();
	}

}

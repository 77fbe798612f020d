package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.BusRequestException;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-message tokens from the real issuer, bound to the publisher's key (DPoP), on the
 * real secured node: a listener learns and runs as the verified publisher
 * ({@code @PreAuthorize} on what it calls works), and every forged, foreign, copied,
 * lifted, unbound, missing or out-of-scope token sends the message to the dead-letter
 * queue with its reason, never to the method.
 */
class MessageTokenIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectSecured);

	record Order(String id) {
	}

	/**
	 * What a listener calls; only publishers allowed to publish secure.* may reach it.
	 */
	static class Stock {

		@PreAuthorize("hasAuthority('SCOPE_bus.publish:secure.*')")
		String reserve(Order order) {
			return SecurityContextHolder.getContext().getAuthentication().getName();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity
	static class Listening {

		@Bean
		Stock stock() {
			return new Stock();
		}

		@Bean
		Orders orders(Stock stock) {
			return new Orders(stock);
		}

	}

	static class Orders {

		final Received<BusMessage<Order>> received = new Received<>();

		final Received<String> reservedFor = new Received<>();

		final Received<BusMessage<Order>> audited = new Received<>();

		private final Stock stock;

		Orders(Stock stock) {
			this.stock = stock;
		}

		@BusListener(topic = "${test.topic}", group = "${test.group}", maxAttempts = 1)
		void on(BusMessage<Order> order) {
			this.received.add(order);
			this.reservedFor.add(this.stock.reserve(order.payload()));
		}

		@BusListener(topic = "${test.topic}", group = "${test.group}-audit", maxAttempts = 1,
				authority = "SCOPE_bus.audit")
		void audit(BusMessage<Order> order) {
			this.audited.add(order);
		}

	}

	private static List<String> messageTokenProperties(String clientId, String scope) {
		String registration = "spring.security.oauth2.client.registration.bus-messages.";
		return List.of(registration + "client-id=" + clientId, registration + "client-secret=" + clientId + "-secret",
				registration + "authorization-grant-type=client_credentials", registration + "scope=" + scope,
				registration + "provider=bus-issuer", "bus.security.message-token.registration=bus-messages",
				"bus.security.message-token.topics=secure.#",
				"bus.security.message-token.issuer-uri=" + SecuredBroker.ISSUER,
				"bus.security.message-token.jwk-set-uri=" + SecuredBroker.ISSUER + "/oauth2/jwks");
	}

	private static ConfigurableApplicationContext start(String clientId, String scope, List<Class<?>> sources,
			String... more) {
		List<String> properties = new ArrayList<>(messageTokenProperties(clientId, scope));
		properties.addAll(List.of(more));
		return SecuredBroker.start(BusContexts.uniqueName("token-app"), clientId, sources,
				properties.toArray(String[]::new));
	}

	@Test
	void theListenerRunsAsTheVerifiedPublisherAndBadTokensAreDeadLettered() throws Exception {
		String topic = BusContexts.uniqueName("secure.orders");
		String group = BusContexts.uniqueName("secure-stock");
		try (ConfigurableApplicationContext listener = start("bus-test-app", "bus.publish:secure.*",
				List.of(Listening.class), "test.topic=" + topic, "test.group=" + group);
				ConfigurableApplicationContext otherPublisher = start("bus-test-other", "bus.publish:elsewhere.*",
						List.of());
				Rabbit admin = Rabbit.connectSecured()) {
			this.cleanup.track(listener);
			BusContexts.awaitConsuming(listener);
			Orders orders = listener.getBean(Orders.class);

			listener.getBean(BusPublisher.class).publish(topic, new Order("o-1")).join();

			BusMessage<Order> received = orders.received.awaitCount(1).get(0);
			assertThat(received.publisher().subject()).isEqualTo("bus-test-app");
			assertThat(received.publisher().scopes()).containsExactly("bus.publish:secure.*");
			assertThat(received.headers()).as("the token stays out of user code")
				.doesNotContainKey(BusHeaders.AUTHORIZATION);
			assertThat(orders.reservedFor.awaitCount(1)).containsExactly("bus-test-app");
			String deadLetters = deadLetterQueue(listener, "on");
			String auditDeadLetters = deadLetterQueue(listener, "audit");
			org.awaitility.Awaitility.await().until(() -> admin.messageCount(auditDeadLetters) > 0);
			com.rabbitmq.client.GetResponse deadLetter = admin.get(auditDeadLetters);
			Map<String, String> genuine = new HashMap<>();
			deadLetter.getProps().getHeaders().forEach((name, value) -> genuine.put(name, String.valueOf(value)));
			assertThat(genuine).as("the audit listener requires SCOPE_bus.audit")
				.containsEntry(BusHeaders.FAILURE_REASON, "forbidden")
				.containsKeys(BusHeaders.AUTHORIZATION, BusHeaders.PROOF, BusHeaders.PROOF_PATH);

			// A publisher whose token allows other topics: the broker lets it publish,
			// every listener refuses.
			otherPublisher.getBean(BusPublisher.class).publish(topic, new Order("o-other")).join();
			assertThat(reasonOfNext(admin, deadLetters)).isEqualTo("forbidden");
			assertThat(reasonOfNext(admin, auditDeadLetters)).isEqualTo("forbidden");

			// No token on a token topic (a plain AMQP publisher, say).
			admin.publish(SecuredBroker.EXCHANGE, topic, properties(null, Instant.now()), json("o-none"));
			assertThat(reasonOfNext(admin, deadLetters)).isEqualTo("unauthenticated");

			// A real token of bus-test-app, sent by someone else: a copied message, or a
			// stolen token.
			String stolen = SecuredBroker.token("bus-test-app", "bus.publish:secure.*");
			admin.publish(SecuredBroker.EXCHANGE, topic, properties(stolen, Instant.now()), json("o-copied"));
			assertThat(failureOfNext(admin, deadLetters)).containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
				.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
						(message) -> assertThat(message)
							.contains("subject 'bus-test-app' is not the publisher 'bus-admin'")
							.doesNotContain(stolen));

			// A real broker token (audience rabbitmq) is no per-message token.
			String brokerToken = SecuredBroker.token("bus-test-app", "rabbitmq.configure:*/bus");
			admin.publish(SecuredBroker.EXCHANGE, topic, properties(brokerToken, Instant.now()), json("o-broker"));
			assertThat(failureOfNext(admin, deadLetters)).containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
				.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE, (message) -> assertThat(message).contains("aud"));

			// Forged: right key id, issuer and claims, signed with another key; and one
			// from another issuer.
			admin.publish(SecuredBroker.EXCHANGE, topic,
					properties(forged(SecuredBroker.ISSUER, SecuredBroker.ADMIN), Instant.now()), json("o-forged"));
			assertThat(reasonOfNext(admin, deadLetters)).isEqualTo("unauthenticated");
			admin.publish(SecuredBroker.EXCHANGE, topic,
					properties(forged("https://issuer.example.com", SecuredBroker.ADMIN), Instant.now()),
					json("o-foreign"));
			assertThat(reasonOfNext(admin, deadLetters)).isEqualTo("unauthenticated");

			// Someone holding bus-test-app's broker credentials, but not its key: the
			// token and proof lifted from a
			// genuine message (read from a dead-letter queue) onto another body, and a
			// bearer token of its client.
			try (Connection asVictim = victimConnection()) {
				Channel channel = asVictim.createChannel();
				Map<String, Object> lifted = new HashMap<>();
				for (String header : List.of(BusHeaders.AUTHORIZATION, BusHeaders.PROOF, BusHeaders.PROOF_PATH)) {
					lifted.put(header, genuine.get(header));
				}
				String genuineId = deadLetter.getProps().getMessageId();
				channel.basicPublish(SecuredBroker.EXCHANGE, topic, asVictim(lifted, genuineId), json("o-lifted"));
				assertThat(failureOfNext(admin, deadLetters))
					.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
					.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
							(message) -> assertThat(message).contains("does not cover this message"));
				channel.basicPublish(SecuredBroker.EXCHANGE, topic,
						asVictim(Map.of(BusHeaders.AUTHORIZATION, stolen), BusContexts.uniqueName("m")),
						json("o-bearer"));
				assertThat(failureOfNext(admin, deadLetters))
					.containsEntry(BusHeaders.FAILURE_REASON, "unauthenticated")
					.hasEntrySatisfying(BusHeaders.FAILURE_MESSAGE,
							(message) -> assertThat(message).contains("is a bearer token").doesNotContain(stolen));
			}

			assertThat(orders.received.items()).as("nothing bad reached the method").hasSize(1);
			assertThat(orders.audited.items()).isEmpty();
		}
	}

	record StockQuestion(String sku) {
	}

	record StockAnswer(String sku, int units, String answeredAs) {
	}

	static class Answering {

		@BusListener(topic = "${test.topic}", group = "${test.group}")
		StockAnswer answer(BusMessage<StockQuestion> question) {
			return new StockAnswer(question.payload().sku(), 7,
					SecurityContextHolder.getContext().getAuthentication().getName());
		}

	}

	/**
	 * A reply is a message of the request's topic: it carries the responder's token,
	 * which the requester verifies as a listener would. A responder whose token may not
	 * publish on the topic answers, and its reply is refused.
	 */
	@Test
	void aReplyCarriesTheRespondersTokenAndOneThatMayNotSpeakOnTheTopicIsRefused() {
		String topic = BusContexts.uniqueName("secure.stock");
		String group = BusContexts.uniqueName("secure-stock");
		String otherTopic = BusContexts.uniqueName("secure.other-stock");
		String otherGroup = BusContexts.uniqueName("secure-other-stock");
		try (ConfigurableApplicationContext responder = start("bus-test-app", "bus.publish:secure.*",
				List.of(Answering.class), "test.topic=" + topic, "test.group=" + group);
				ConfigurableApplicationContext otherResponder = start("bus-test-other", "bus.publish:elsewhere.*",
						List.of(Answering.class), "test.topic=" + otherTopic, "test.group=" + otherGroup);
				ConfigurableApplicationContext requester = start("bus-test-app", "bus.publish:secure.*", List.of())) {
			this.cleanup.track(responder);
			this.cleanup.track(otherResponder);
			BusContexts.awaitConsuming(responder, otherResponder);
			BusPublisher publisher = requester.getBean(BusPublisher.class);

			assertThat(publisher.request(topic, new StockQuestion("sku-1"), StockAnswer.class, Duration.ofSeconds(10))
				.join()).as("the responder ran as the requester's verified token, and its reply was verified")
				.isEqualTo(new StockAnswer("sku-1", 7, "bus-test-app"));

			assertThatThrownBy(() -> publisher
				.request(otherTopic, new StockQuestion("sku-2"), StockAnswer.class, Duration.ofSeconds(10))
				.join()).cause().isInstanceOfSatisfying(BusRequestException.class, (ex) -> {
					assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.REPLY_REFUSED);
					assertThat(ex.getMessage()).contains("forbidden", "bus-test-other");
				});
		}
	}

	/**
	 * Batches carry one user_id for all their messages, and each message its token: all
	 * are verified.
	 */
	@Test
	void batchedMessagesAreVerifiedOneByOne() {
		String topic = BusContexts.uniqueName("secure.batched");
		String group = BusContexts.uniqueName("secure-batched");
		try (ConfigurableApplicationContext app = start("bus-test-app", "bus.publish:secure.*",
				List.of(Listening.class), "test.topic=" + topic, "test.group=" + group,
				"bus.publisher.batching.enabled=true", "bus.publisher.batching.linger=50ms")) {
			this.cleanup.track(app);
			BusContexts.awaitConsuming(app);
			List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				sent.add(app.getBean(BusPublisher.class).publish(topic, new Order("o-" + i)));
			}
			java.util.concurrent.CompletableFuture.allOf(sent.toArray(java.util.concurrent.CompletableFuture[]::new))
				.join();
			assertThat(app.getBean(Orders.class).received.awaitCount(20))
				.allSatisfy((order) -> assertThat(order.publisher().subject()).isEqualTo("bus-test-app"));
			assertThat(app.getBean(Orders.class).reservedFor.awaitCount(20)).containsOnly("bus-test-app");
		}
	}

	private static String deadLetterQueue(ConfigurableApplicationContext context, String method) {
		return context.getBean(BusListenerRegistry.class)
			.registrations()
			.stream()
			.filter((registration) -> registration.definition().id().endsWith("." + method))
			.findFirst()
			.orElseThrow()
			.definition()
			.deadLetterQueue();
	}

	private static String reasonOfNext(Rabbit admin, String queue) throws Exception {
		return failureOfNext(admin, queue).get(BusHeaders.FAILURE_REASON);
	}

	private static Map<String, String> failureOfNext(Rabbit admin, String queue) throws Exception {
		return admin.nextHeaders(queue);
	}

	private static AMQP.BasicProperties properties(String token, Instant sent) {
		Map<String, Object> headers = new HashMap<>();
		// a CloudEvents header: it has milliseconds
		headers.put("ce-time", sent.toString());
		if (token != null) {
			headers.put(BusHeaders.AUTHORIZATION, token);
		}
		return new AMQP.BasicProperties.Builder().contentType("application/json")
			.userId(SecuredBroker.ADMIN)
			.messageId(BusContexts.uniqueName("m"))
			.headers(headers)
			.build();
	}

	/**
	 * A connection as bus-test-app's broker user (its client's broker token), not as the
	 * app itself.
	 */
	private static Connection victimConnection() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(Rabbit.HOST);
		factory.setPort(SecuredBroker.PORT);
		factory.setUsername("");
		factory.setPassword(SecuredBroker.token("bus-test-app", SecuredBroker.TEST_SCOPES.replace(',', '+')));
		return factory.newConnection("lifted-token");
	}

	private static AMQP.BasicProperties asVictim(Map<String, Object> headers, String messageId) {
		return new AMQP.BasicProperties.Builder().contentType("application/json")
			.userId("bus-test-app")
			.messageId(messageId)
			.headers(headers)
			.build();
	}

	private static byte[] json(String id) {
		return ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A token that claims everything a good one does, signed with a key the issuer never
	 * had.
	 */
	private static String forged(String issuer, String subject) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair keys = generator.generateKeyPair();
		Instant now = Instant.now();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bus-issuer").build(),
				new JWTClaimsSet.Builder().issuer(issuer)
					.subject(subject)
					.audience("bus")
					.claim("scope", List.of("bus.publish:secure.*"))
					.issueTime(Date.from(now))
					.expirationTime(Date.from(now.plusSeconds(300)))
					.build());
		jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
		return jwt.serialize();
	}

}

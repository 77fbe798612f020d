package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end payload encryption on the real broker: what the broker holds is ciphertext,
 * the listener gets the payload, and every kind of bad ciphertext goes to the dead-letter
 * queue with its reason, never to the method and never into the logs in clear. Bad
 * keysets fail start-up naming the property and the file.
 */
@ExtendWith(OutputCaptureExtension.class)
class EncryptionIT {

	private static final String SECRET = "card-4111-1111-1111-1111";

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@TempDir
	static Path keys;

	static Path paymentsKeyset;

	static Aead otherKeyset;

	record Payment(String id, String card, long cents) {
	}

	static class Payments {

		final Received<BusMessage<Payment>> received = new Received<>();

		@BusListener(topic = "payments.*")
		void on(BusMessage<Payment> payment) {
			this.received.add(payment);
		}

	}

	/**
	 * A broker-side header filter and an app-side payload filter on an encrypted topic.
	 */
	static class FilteredPayments {

		final Received<String> europe = new Received<>();

		final Received<String> large = new Received<>();

		@BusListener(topic = "payments.*", group = "${spring.application.name}-eu", headers = "region=eu")
		void onEurope(Payment payment) {
			this.europe.add(payment.id());
		}

		@BusListener(topic = "payments.*", group = "${spring.application.name}-large", filter = "payload.cents > 100")
		void onLarge(Payment payment) {
			this.large.add(payment.id());
		}

	}

	@BeforeAll
	static void keysets() throws Exception {
		AeadConfig.register();
		paymentsKeyset = keys.resolve("payments.json");
		Files.writeString(paymentsKeyset, TinkJsonProtoKeysetFormat.serializeKeyset(
				KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get()));
		otherKeyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
			.getPrimitive(RegistryConfiguration.get(), Aead.class);
	}

	@Test
	void theBrokerHoldsCiphertextAndBadCiphertextIsDeadLettered(CapturedOutput output) throws Exception {
		String exchange = BusContexts.uniqueName("bus-crypto");
		String plainQueue = BusContexts.uniqueName("broker-view");
		try (ConfigurableApplicationContext context = startBilling(exchange, Payments.class);
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			rabbit.declareQueueBoundTo(plainQueue, exchange, "payments.#");
			String deadLetterQueue = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();

			context.getBean(BusPublisher.class)
				.publish(OutboundMessage.builder("payments.captured", new Payment("p-1", SECRET, 1200))
					.messageId("m-1")
					.build())
				.join();
			BusMessage<Payment> received = context.getBean(Payments.class).received.awaitCount(1).get(0);
			assertThat(received.payload()).isEqualTo(new Payment("p-1", SECRET, 1200));

			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(plainQueue) == 1);
			GetResponse onTheBroker = rabbit.get(plainQueue);
			byte[] ciphertext = onTheBroker.getBody();
			assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).as("nothing readable on the broker")
				.doesNotContain(SECRET)
				.doesNotContain("\"p-1\"");
			AMQP.BasicProperties properties = onTheBroker.getProps();
			assertThat(properties.getHeaders()).containsEntry(BusHeaders.ENCRYPTION, asLongString("tink-aead"));
			assertThat(properties.getAppId()).as("properties stay in clear").startsWith("/");

			byte[] tampered = ciphertext.clone();
			tampered[ciphertext.length - 20] ^= 1;
			// Same message id as the original: only the flipped bit, or only the topic,
			// differs.
			publishRaw(rabbit, exchange, "payments.captured", properties, "m-1", tampered);
			publishRaw(rabbit, exchange, "payments.refunded", properties, "m-1", ciphertext);
			publishRaw(rabbit, exchange, "payments.captured", properties, "truncated", Arrays.copyOf(ciphertext, 12));
			byte[] underAnotherKey = otherKeyset.encrypt("{\"id\":\"p-2\"}".getBytes(StandardCharsets.UTF_8),
					("bus/v1\u0000payments.captured\u0000other-key").getBytes(StandardCharsets.UTF_8));
			publishRaw(rabbit, exchange, "payments.captured", properties, "other-key", underAnotherKey);
			rabbit.publish(exchange, "payments.captured",
					new AMQP.BasicProperties.Builder().messageId("clear").contentType("application/json").build(),
					("{\"id\":\"p-3\",\"card\":\"" + SECRET + "\",\"cents\":1}").getBytes(StandardCharsets.UTF_8));

			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetterQueue) == 5);
			Map<String, String> reasons = new HashMap<>();
			for (int i = 0; i < 5; i++) {
				GetResponse deadLetter = rabbit.get(deadLetterQueue);
				Map<String, Object> headers = deadLetter.getProps().getHeaders();
				reasons.put(deadLetter.getProps().getMessageId() + "@" + headers.get(BusHeaders.ORIGINAL_TOPIC),
						String.valueOf(headers.get(BusHeaders.FAILURE_REASON)));
			}
			assertThat(reasons).containsEntry("m-1@payments.captured", "decryption-failed")
				.containsEntry("m-1@payments.refunded", "decryption-failed")
				.containsEntry("truncated@payments.captured", "malformed-ciphertext")
				.containsEntry("other-key@payments.captured", "unknown-key")
				.containsEntry("clear@payments.captured", "cleartext-on-encrypted-topic");
			assertThat(context.getBean(Payments.class).received.items()).as("none reached the method").hasSize(1);
			assertThat(output.getAll()).as("no payload and no key in the logs")
				.doesNotContain(SECRET)
				.doesNotContain(Files.readString(paymentsKeyset).substring(0, 40));
		}
		finally {
			try (Rabbit rabbit = Rabbit.connect()) {
				rabbit.deleteQueue(plainQueue);
			}
		}
	}

	/**
	 * A confidential header travels encrypted like the payload and reaches the listener
	 * in clear; on a topic that is not encrypted, such a message is refused before
	 * anything is sent.
	 */
	@Test
	void confidentialHeadersAreEncryptedAndOnlyTheListenerReadsThem(CapturedOutput output) throws Exception {
		String exchange = BusContexts.uniqueName("bus-crypto-headers");
		String plainQueue = BusContexts.uniqueName("broker-view");
		try (ConfigurableApplicationContext context = startBilling(exchange, Payments.class);
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			this.cleanup.queue(plainQueue);
			BusContexts.awaitConsuming(context);
			rabbit.declareQueueBoundTo(plainQueue, exchange, "payments.#");
			BusPublisher publisher = context.getBean(BusPublisher.class);
			publisher
				.publish(OutboundMessage.builder("payments.captured", new Payment("h-1", SECRET, 5))
					.header("region", "eu")
					.confidentialHeader("card-holder", "Ada Lovelace")
					.build())
				.join();

			BusMessage<Payment> received = context.getBean(Payments.class).received.awaitCount(1).get(0);
			assertThat(received.header("card-holder")).isEqualTo("Ada Lovelace");
			assertThat(received.header("region")).isEqualTo("eu");
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(plainQueue) == 1);
			Map<String, Object> onTheBroker = rabbit.get(plainQueue).getProps().getHeaders();
			// A long enough piece of the value: a three-letter one turns up in random
			// base64 now and then.
			assertThat(String.valueOf(onTheBroker.get("card-holder"))).doesNotContain("Lovelace");
			assertThat(String.valueOf(onTheBroker.get("region"))).as("other headers stay readable").isEqualTo("eu");
			assertThat(String.valueOf(onTheBroker.get(BusHeaders.ENCRYPTED_HEADERS))).isEqualTo("card-holder");

			assertThatThrownBy(() -> publisher
				.publish(OutboundMessage.builder("refunds.issued", "r-1")
					.confidentialHeader("card-holder", "Ada Lovelace")
					.build())
				.join()).hasMessageContaining("confidential-headers-in-clear").hasMessageContaining("refunds.issued");
			assertThat(output.getAll()).doesNotContain("Ada Lovelace");
		}
	}

	@Test
	void headerFiltersWorkOnTheBrokerAndPayloadFiltersOnTheDecryptedPayload() {
		String exchange = BusContexts.uniqueName("bus-crypto-filters");
		try (ConfigurableApplicationContext context = startBilling(exchange, FilteredPayments.class)) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			for (Object[] payment : new Object[][] { { "eu-small", "eu", 50L }, { "us-large", "us", 500L },
					{ "eu-large", "eu", 500L } }) {
				publisher
					.publish(OutboundMessage
						.builder("payments.captured", new Payment((String) payment[0], SECRET, (long) payment[2]))
						.header("region", (String) payment[1])
						.build())
					.join();
			}
			FilteredPayments filtered = context.getBean(FilteredPayments.class);
			assertThat(filtered.large.awaitCount(2)).containsExactlyInAnyOrder("us-large", "eu-large");
			assertThat(filtered.europe.awaitCount(2)).containsExactlyInAnyOrder("eu-small", "eu-large");
		}
	}

	@Test
	void batchedMessagesAreEncryptedOneByOne() {
		String exchange = BusContexts.uniqueName("bus-crypto-batch");
		try (ConfigurableApplicationContext context = startBilling(exchange, Payments.class,
				"bus.publisher.batching.enabled=true", "bus.publisher.batching.linger=50ms")) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
			for (int i = 0; i < 20; i++) {
				sent.add(publisher.publish("payments.captured", new Payment("b-" + i, SECRET, i)));
			}
			sent.forEach(java.util.concurrent.CompletableFuture::join);
			assertThat(context.getBean(Payments.class).received.awaitCount(20))
				.extracting((message) -> message.payload().id())
				.containsExactlyInAnyOrderElementsOf(
						java.util.stream.IntStream.range(0, 20).mapToObj((i) -> "b-" + i).toList());
		}
	}

	@Test
	void aRotationTakesEffectWithoutRestartAndABadFileKeepsTheLastGoodKeyset() throws Exception {
		Path keysetFile = keys.resolve("rotating.json");
		KeysetHandle original = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		Files.writeString(keysetFile,
				TinkJsonProtoKeysetFormat.serializeKeyset(original, InsecureSecretKeyAccess.get()));
		String exchange = BusContexts.uniqueName("bus-crypto-rotation");
		String plainQueue = BusContexts.uniqueName("broker-view");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("billing"),
				List.of(Payments.class), "bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + keysetFile,
				"bus.security.encryption.reload-interval=100ms"); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			rabbit.declareQueueBoundTo(plainQueue, exchange, "payments.#");
			BusPublisher publisher = context.getBean(BusPublisher.class);
			Payments payments = context.getBean(Payments.class);
			dev.bus.crypto.TopicKeysets keysets = context.getBean(dev.bus.crypto.TopicKeysets.class);

			publisher.publish("payments.captured", new Payment("before", SECRET, 1)).join();
			assertThat(keyIdOf(rabbit, plainQueue)).isEqualTo(original.getPrimary().getId());

			// Add a key and promote it: the publisher encrypts under it from the next
			// reload on.
			KeysetHandle rotated = KeysetHandle.newBuilder(original)
				.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
					.withRandomId()
					.makePrimary())
				.build();
			Files.writeString(keysetFile,
					TinkJsonProtoKeysetFormat.serializeKeyset(rotated, InsecureSecretKeyAccess.get()));
			int newKey = rotated.getPrimary().getId();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				publisher.publish("payments.captured", new Payment("probe", SECRET, 2)).join();
				return keyIdOf(rabbit, plainQueue) == newKey;
			});

			// A bad file: refused, the last good keyset stays in force, health and the
			// counter say so.
			Files.writeString(keysetFile, "{\"primaryKeyId\": 7, \"key\": []}");
			await().atMost(Duration.ofSeconds(10)).until(() -> keysets.problem() != null);
			assertThat(keysets.problem()).contains("bus.security.encryption.topics[0].keyset")
				.contains("last good keyset stays in force");
			assertThat(keysets.failedReloads()).isPositive();
			assertThat(context
				.getBean("busKeysetsHealthIndicator", org.springframework.boot.health.contributor.HealthIndicator.class)
				.health(true)
				.getDetails()
				.get("keysets")
				.toString()).contains("last good keyset stays in force");
			publisher.publish("payments.captured", new Payment("after", SECRET, 3)).join();
			assertThat(keyIdOf(rabbit, plainQueue)).as("still the last good primary").isEqualTo(newKey);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> payments.received.items().stream().anyMatch((m) -> m.payload().id().equals("after")));
			assertThat(payments.received.items()).extracting((m) -> m.payload().id()).contains("before", "after");
		}
		finally {
			try (Rabbit rabbit = Rabbit.connect()) {
				rabbit.deleteQueue(plainQueue);
			}
		}
	}

	/**
	 * The key id in the Tink prefix of the newest message on the broker's copy (older
	 * ones are drained).
	 */
	private static int keyIdOf(Rabbit rabbit, String queue) throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue) > 0);
		GetResponse last = null;
		GetResponse next;
		while ((next = rabbit.get(queue)) != null) {
			last = next;
		}
		byte[] body = last.getBody();
		return ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
	}

	/**
	 * A keyset file encrypted under a key-encryption key kept in another file (Tink's
	 * encrypted keyset form, as {@code tinkey} writes it with a master key): decrypted at
	 * start-up; under the wrong key, or with a key URI no KmsClient serves, start-up
	 * fails naming the property, without key material.
	 */
	@Test
	void aKeysetEncryptedUnderAKeyEncryptionKeyIsOpenedWithIt() throws Exception {
		KeysetHandle kek = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		Path kekFile = keys.resolve("kek.json");
		Files.writeString(kekFile, TinkJsonProtoKeysetFormat.serializeKeyset(kek, InsecureSecretKeyAccess.get()));
		Path sealedKeyset = keys.resolve("payments-sealed.json");
		Files.writeString(sealedKeyset,
				TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
						KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
						kek.getPrimitive(RegistryConfiguration.get(), Aead.class), new byte[0]));
		assertThat(Files.readString(sealedKeyset)).contains("encryptedKeyset").doesNotContain("\"keyData\"");
		String exchange = BusContexts.uniqueName("bus-crypto-kek");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("billing"),
				List.of(Payments.class), "bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + sealedKeyset,
				"bus.security.encryption.topics[0].key-encryption-key=keyset-file:file:" + kekFile)) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			context.getBean(BusPublisher.class).publish("payments.captured", new Payment("k-1", SECRET, 1)).join();
			assertThat(context.getBean(Payments.class).received.awaitCount(1).get(0).payload().id()).isEqualTo("k-1");
		}
		assertThatThrownBy(() -> BusContexts.start(BusContexts.uniqueName("bus-crypto"), "billing", List.of(),
				"bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + sealedKeyset,
				"bus.security.encryption.topics[0].key-encryption-key=keyset-file:file:" + paymentsKeyset))
			.rootCause()
			.hasMessageContaining("bus.security.encryption.topics[0].keyset")
			.hasMessageContaining("encrypted under its key-encryption key");
		assertThatThrownBy(() -> BusContexts.start(BusContexts.uniqueName("bus-crypto"), "billing", List.of(),
				"bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + sealedKeyset,
				"bus.security.encryption.topics[0].key-encryption-key=gcp-kms://projects/p/locations/l/keyRings/r"))
			.rootCause()
			.hasMessageContaining("bus.security.encryption.topics[0].key-encryption-key")
			.hasMessageContaining("no Tink KmsClient bean serves this URI");
	}

	@Test
	void aMissingOrBadKeysetFailsStartUpNamingThePropertyAndTheFile() throws Exception {
		Path malformed = keys.resolve("malformed.json");
		Files.writeString(malformed, "{\"primaryKeyId\": 1, \"key\": []}");
		for (Path keyset : List.of(keys.resolve("missing.json"), malformed)) {
			assertThatThrownBy(() -> BusContexts.start(BusContexts.uniqueName("bus-crypto"), "billing", List.of(),
					"bus.security.encryption.topics[0].pattern=payments.*",
					"bus.security.encryption.topics[0].keyset=file:" + keyset))
				.rootCause()
				.hasMessageContaining("bus.security.encryption.topics[0].keyset")
				.hasMessageContaining(keyset.getFileName().toString());
		}
	}

	/**
	 * A billing application on {@code exchange} whose payments.* payloads are encrypted
	 * with the payments keyset.
	 */
	private static ConfigurableApplicationContext startBilling(String exchange, Class<?> listener,
			String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of("bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + paymentsKeyset));
		all.addAll(List.of(properties));
		return BusContexts.start(exchange, BusContexts.uniqueName("billing"), List.of(listener),
				all.toArray(String[]::new));
	}

	private static void publishRaw(Rabbit rabbit, String exchange, String topic, AMQP.BasicProperties template,
			String messageId, byte[] body) throws Exception {
		rabbit.publish(exchange, topic, template.builder().messageId(messageId).build(), body);
	}

	private static Object asLongString(String value) {
		return com.rabbitmq.client.impl.LongStringHelper.asLongString(value);
	}

}

package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.rabbitmq.client.AMQP;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

import dev.bus.BusPublisher;
import dev.bus.BusRequestException;
import dev.bus.IncomingMessage;
import dev.bus.ReceivePostProcessor;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.reply.PendingReplies;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Request-reply between two applications on the real broker: typed replies over direct
 * reply-to, correlated under concurrency, and each failure typed and clear: no responder,
 * a responder that throws (its class and message, never its stack trace; nothing retried
 * or dead-lettered), a reply of the wrong type, a timeout, and a reply after the timeout
 * (dropped and counted); on an encrypted topic the reply is encrypted too, and one in
 * clear refused.
 */
class RequestReplyIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record QuoteRequest(String sku, int quantity) {
	}

	record Quote(String sku, long cents) {
	}

	static class Pricing {

		static final CountDownLatch slowAnswer = new CountDownLatch(1);

		@BusListener(topic = "prices.quote")
		Object quote(QuoteRequest request) throws InterruptedException {
			switch (request.sku()) {
				case "boom" -> throw new IllegalArgumentException("unknown sku " + request.sku() + "x".repeat(5000));
				case "odd" -> {
					return "not a quote";
				}
				case "slow" -> slowAnswer.await(20, TimeUnit.SECONDS);
				default -> {
				}
			}
			return new Quote(request.sku(), 100L * request.quantity());
		}

	}

	/**
	 * What arrives from the broker as a reply, before any element of the requester's
	 * receive chain reads it.
	 */
	static class RepliesOnTheWire implements ReceivePostProcessor, Ordered {

		final List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();

		final List<byte[]> bodies = new CopyOnWriteArrayList<>();

		@Override
		public void postProcess(IncomingMessage message) {
			if (IncomingMessage.REPLY.equals(message.listenerId())) {
				this.headers.add(Map.copyOf(message.properties().getHeaders()));
				this.bodies.add(message.body().clone());
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	/**
	 * A reply is a message of the request's topic: on an encrypted topic it travels
	 * encrypted with the topic's keyset, and a reply in clear there is refused (here from
	 * a plain AMQP responder), never decoded.
	 */
	@Test
	void aReplyOnAnEncryptedTopicTravelsEncryptedAndOneInClearIsRefused(@TempDir Path keys) throws Exception {
		AeadConfig.register();
		Path keyset = keys.resolve("prices.json");
		Files.writeString(keyset, TinkJsonProtoKeysetFormat.serializeKeyset(
				KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get()));
		String exchange = BusContexts.uniqueName("bus-rpc-crypto");
		String[] encrypted = { "bus.security.encryption.topics[0].pattern=prices.*",
				"bus.security.encryption.topics[0].keyset=file:" + keyset };
		String plainResponder = BusContexts.uniqueName("plain-responder");
		try (ConfigurableApplicationContext pricing = BusContexts.start(exchange, "pricing", List.of(Pricing.class),
				encrypted);
				ConfigurableApplicationContext shop = BusContexts.start(exchange, "shop",
						List.of(RepliesOnTheWire.class), encrypted);
				Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(pricing);
			BusContexts.awaitConsuming(pricing);
			BusPublisher publisher = shop.getBean(BusPublisher.class);
			RepliesOnTheWire wire = shop.getBean(RepliesOnTheWire.class);

			assertThat(publisher
				.request("prices.quote", new QuoteRequest("sku-secret", 3), Quote.class, Duration.ofSeconds(10))
				.join()).isEqualTo(new Quote("sku-secret", 300));
			assertThat(String.valueOf(wire.headers.get(0).get(BusHeaders.ENCRYPTION))).startsWith("tink-aead");
			assertThat(new String(wire.bodies.get(0), StandardCharsets.ISO_8859_1)).doesNotContain("sku-secret");

			// A responder that answers in clear (a plain AMQP client, not Bus) on the
			// encrypted topic.
			rabbit.declareQueueBoundTo(plainResponder, exchange, "prices.plain");
			AtomicReference<String> answered = new AtomicReference<>();
			rabbit.channel().basicConsume(plainResponder, true, (tag, request) -> {
				AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
					.correlationId(request.getProperties().getCorrelationId())
					.contentType("application/json")
					.build();
				// noted before the reply goes: the refusal it causes can reach the test
				// before this thread's next line runs (it did, once in a clean run)
				answered.set(request.getProperties().getCorrelationId());
				rabbit.channel()
					.basicPublish("", request.getProperties().getReplyTo(), reply,
							"{\"sku\":\"x\",\"cents\":1}".getBytes(StandardCharsets.UTF_8));
			}, (tag) -> {
			});
			assertThatThrownBy(() -> publisher
				.request("prices.plain", new QuoteRequest("x", 1), Quote.class, Duration.ofSeconds(10))
				.join()).cause().isInstanceOfSatisfying(BusRequestException.class, (ex) -> {
					assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.REPLY_REFUSED);
					assertThat(ex.getMessage()).contains("cleartext-on-encrypted-topic");
				});
			assertThat(answered.get()).isNotNull();
		}
		finally {
			try (Rabbit rabbit = Rabbit.connect()) {
				rabbit.deleteQueue(plainResponder);
			}
		}
	}

	@Test
	void aRequestGetsItsTypedReplyAndEveryFailureIsClear() throws Exception {
		String exchange = BusContexts.uniqueName("bus-rpc");
		try (ConfigurableApplicationContext pricing = BusContexts.start(exchange, "pricing", List.of(Pricing.class));
				ConfigurableApplicationContext shop = BusContexts.start(exchange, "shop", List.of())) {
			this.cleanup.track(pricing);
			BusContexts.awaitConsuming(pricing);
			BusPublisher publisher = shop.getBean(BusPublisher.class);
			Duration timeout = Duration.ofSeconds(10);

			assertThat(publisher.request("prices.quote", new QuoteRequest("sku-1", 3), Quote.class, timeout).join())
				.isEqualTo(new Quote("sku-1", 300));

			List<CompletableFuture<Quote>> concurrent = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				concurrent
					.add(publisher.request("prices.quote", new QuoteRequest("sku-" + i, i), Quote.class, timeout));
			}
			for (int i = 0; i < 200; i++) {
				assertThat(concurrent.get(i).join()).isEqualTo(new Quote("sku-" + i, 100L * i));
			}

			long start = System.nanoTime();
			assertThatThrownBy(
					() -> publisher.request("prices.none", new QuoteRequest("x", 1), Quote.class, timeout).join())
				.cause()
				.isInstanceOfSatisfying(BusRequestException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.NO_RESPONDER));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at once, not at the timeout")
				.isLessThan(Duration.ofSeconds(5));

			assertThatThrownBy(
					() -> publisher.request("prices.quote", new QuoteRequest("boom", 1), Quote.class, timeout).join())
				.cause()
				.isInstanceOfSatisfying(BusRequestException.class, (ex) -> {
					assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.RESPONDER_FAILED);
					assertThat(ex.getResponderError()).isEqualTo(IllegalArgumentException.class.getName());
					assertThat(ex.getMessage()).contains("unknown sku boom").doesNotContain("\tat ");
					assertThat(ex.getMessage().length()).isLessThan(2000);
				});

			assertThatThrownBy(
					() -> publisher.request("prices.quote", new QuoteRequest("odd", 1), Quote.class, timeout).join())
				.cause()
				.isInstanceOfSatisfying(BusRequestException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.REPLY_MISMATCH));

			assertThatThrownBy(() -> publisher
				.request("prices.quote", new QuoteRequest("slow", 1), Quote.class, Duration.ofMillis(300))
				.join()).cause()
				.isInstanceOfSatisfying(BusRequestException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.TIMEOUT));
			Pricing.slowAnswer.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> shop.getBean(PendingReplies.class).lateReplies() == 1);

			assertThat(pricing.getBean(MeterRegistry.class).find("bus.publish").tag("outcome", "failed").timers())
				.as("replies delivered to direct reply-to are not failed as unroutable")
				.isEmpty();
			assertThat(pricing.getBean(MeterRegistry.class)
				.get("bus.publish")
				.tags("topic", "prices.quote", "outcome", "confirmed")
				.timer()
				.count()).isGreaterThanOrEqualTo(201);
			try (Rabbit rabbit = Rabbit.connect()) {
				String deadLetters = pricing.getBean(BusListenerRegistry.class).definitions().get(0).deadLetterQueue();
				assertThat(rabbit.messageCount(deadLetters)).as("a failed request is answered, not dead-lettered")
					.isZero();
			}
		}
	}

}

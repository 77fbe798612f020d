package dev.bus.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import dev.bus.core.operations.DeadLetter;
import dev.bus.core.BusHeaders;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.QueueReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What a listing of dead letters shows and leaves: nothing acknowledged, the failure and
 * the verified origin, never a token, a proof, key material or an encrypted payload, a
 * clear payload cut at its preview size.
 */
class DeadLetterBrowserTest {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final ListenerQueues LISTENER = TestListenerQueues.INVENTORY;

	private final FakeQueue queue = new FakeQueue();

	private final DeadLetterBrowser browser = new DeadLetterBrowser(this.queue,
			new DeliveryOrigins("bus", BrokerAccess.user("inventory")));

	@Test
	void aDeadLetterTheBrokerMovedShowsItsFailureOriginAndTraceAndStaysInTheQueue() {
		Map<String, Object> headers = brokerDeadLettered("orders.created");
		headers.put(BusHeaders.FAILURE_REASON, "handler-failed");
		headers.put(BusHeaders.FAILURE_EXCEPTION, IllegalStateException.class.getName());
		headers.put(BusHeaders.FAILURE_MESSAGE, "out of stock");
		headers.put(BusHeaders.ATTEMPT, 3);
		headers.put(BusHeaders.TRACEPARENT, "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
		headers.put("tenant", "acme");
		this.queue.add(LISTENER.movesExchange(), "application/json", headers, "{\"order\":1}", "orders-app");

		List<DeadLetter> shown = this.browser.list(LISTENER, 20);

		assertThat(shown).singleElement().satisfies((letter) -> {
			assertThat(letter.messageId()).isEqualTo("m-1");
			assertThat(letter.topic()).isEqualTo("orders.created");
			assertThat(letter.publisher()).isEqualTo("orders-app");
			assertThat(letter.replayable()).isTrue();
			assertThat(letter.reason()).isEqualTo("handler-failed");
			assertThat(letter.exception()).isEqualTo(IllegalStateException.class.getName());
			assertThat(letter.exceptionMessage()).isEqualTo("out of stock");
			assertThat(letter.attempts()).isEqualTo(3);
			assertThat(letter.traceId()).isEqualTo(TRACE_ID);
			assertThat(letter.payload()).isEqualTo("{\"order\":1}");
			assertThat(letter.headers()).containsExactly(Map.entry("tenant", "acme"));
		});
		assertThat(this.queue.acknowledged).as("nothing taken for good").isEmpty();
	}

	@Test
	void tokensProofsKeysAndEncryptedContentAreNeverShown() {
		Map<String, Object> headers = brokerDeadLettered("payments.captured");
		headers.put(BusHeaders.AUTHORIZATION, "eyJhbGciOiJSUzI1NiJ9.secret.token");
		headers.put(BusHeaders.PROOF, "proof-signature");
		headers.put(BusHeaders.PROOF_PATH, "0:1");
		headers.put(BusHeaders.ENCRYPTION, "aes256-gcm");
		headers.put(BusHeaders.ENCRYPTION_AEAD, "wrapped-key");
		headers.put(BusHeaders.ENCRYPTION_AEAD_PUBLISHER, "wrapped-key-2");
		headers.put(BusHeaders.ENCRYPTED_HEADERS, "iban");
		headers.put("iban", "ciphertext-of-the-iban");
		this.queue.add(LISTENER.movesExchange(), "application/json", headers, "ciphertext", "payments-app");

		DeadLetter letter = this.browser.list(LISTENER, 20).get(0);

		assertThat(letter.encrypted()).isTrue();
		assertThat(letter.payload()).isNull();
		assertThat(letter.size()).isEqualTo("ciphertext".length());
		assertThat(letter.headers())
			.doesNotContainKeys(BusHeaders.AUTHORIZATION, BusHeaders.PROOF, BusHeaders.PROOF_PATH,
					BusHeaders.ENCRYPTION_AEAD, BusHeaders.ENCRYPTION_AEAD_PUBLISHER)
			.containsEntry("iban", "(encrypted)");
		assertThat(letter.toString()).doesNotContain("secret.token", "proof-signature", "wrapped-key",
				"ciphertext-of-the-iban");
	}

	@Test
	void aMessageAnotherClientPushedIntoTheQueueIsShownAsNotReplayable() {
		this.queue.add("", "text/plain", new HashMap<>(), "pushed", "intruder");

		DeadLetter letter = this.browser.list(LISTENER, 20).get(0);

		assertThat(letter.replayable()).isFalse();
		assertThat(letter.refusal()).contains("neither by this application nor by the broker");
		assertThat(letter.publisher()).isEqualTo("intruder");
	}

	@Test
	void aLargePayloadIsCutAndABinaryOneIsNotShownAndTheLimitHolds() {
		String large = "x".repeat(DeadLetterBrowser.PAYLOAD_PREVIEW_BYTES + 100);
		this.queue.add(LISTENER.movesExchange(), "text/plain", brokerDeadLettered("orders.created"), large, "a");
		this.queue.add(LISTENER.movesExchange(), "application/octet-stream", brokerDeadLettered("orders.created"),
				"\u0000\u0001", "a");
		this.queue.add(LISTENER.movesExchange(), "text/plain", brokerDeadLettered("orders.created"), "third", "a");

		List<DeadLetter> shown = this.browser.list(LISTENER, 2);

		assertThat(shown).hasSize(2);
		assertThat(shown.get(0).payload()).hasSize(DeadLetterBrowser.PAYLOAD_PREVIEW_BYTES + 1).endsWith("…");
		assertThat(shown.get(1).payload()).isNull();
		assertThat(this.queue.taken).as("no more taken than shown").isEqualTo(2);
	}

	@Test
	void aDiscardRemovesOnlyWhatItsSelectionTakesAndMustNameSomething() {
		for (int i = 0; i < 3; i++) {
			this.queue.add(LISTENER.movesExchange(), "text/plain", brokerDeadLettered("orders.created"), "m", "a");
		}

		assertThat(this.browser.discard(LISTENER, new DeadLetterSelection("m-2", null, null))).isOne();
		assertThat(this.queue.acknowledged).extracting((taken) -> taken.properties().getMessageId())
			.containsExactly("m-2");
		assertThat(this.browser.discard(LISTENER, new DeadLetterSelection("m-9", null, null))).as("no such id")
			.isZero();
		assertThat(this.queue.acknowledged).hasSize(1);
		assertThatIllegalArgumentException().isThrownBy(() -> this.browser.discard(LISTENER, DeadLetterSelection.ALL))
			.withMessageContaining("names the dead letters it removes");
	}

	@Test
	void aDiscardByGroupRemovesThoseThatFailedWithTheException() {
		for (String exception : List.of("java.lang.IllegalStateException", "java.lang.IllegalArgumentException",
				"java.lang.IllegalStateException")) {
			Map<String, Object> headers = brokerDeadLettered("orders.created");
			headers.put(BusHeaders.FAILURE_EXCEPTION, exception);
			this.queue.add(LISTENER.movesExchange(), "text/plain", headers, "m", "a");
		}

		assertThat(
				this.browser.discard(LISTENER, new DeadLetterSelection(null, null, "java.lang.IllegalStateException")))
			.isEqualTo(2);
		assertThat(this.queue.acknowledged).extracting((taken) -> taken.properties().getMessageId())
			.containsExactly("m-1", "m-3");
	}

	/**
	 * The headers of a first delivery the broker dead-lettered from the listener's queue.
	 */
	private static Map<String, Object> brokerDeadLettered(String topic) {
		Map<String, Object> death = new HashMap<>();
		death.put("queue", LISTENER.queue());
		death.put("exchange", "bus");
		death.put("routing-keys", List.of(topic));
		death.put("reason", "rejected");
		death.put("count", 1L);
		Map<String, Object> headers = new HashMap<>();
		headers.put("x-death", List.of(death));
		return headers;
	}

	/** A dead-letter queue in memory, read as {@link QueueReader} reads one. */
	private static final class FakeQueue implements QueueReader {

		private final List<Taken> messages = new ArrayList<>();

		private final List<Taken> acknowledged = new ArrayList<>();

		private int taken;

		void add(String exchange, String contentType, Map<String, Object> headers, String body, String userId) {
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(contentType)
				.messageId("m-" + (this.messages.size() + 1))
				.userId(userId)
				.headers(headers)
				.build();
			this.messages.add(new Taken(this.messages.size() + 1, exchange, LISTENER.deadLetterQueue(), properties,
					body.getBytes(StandardCharsets.UTF_8)));
		}

		@Override
		public long count(String queue) {
			return this.messages.size();
		}

		@Override
		public <T> T read(String queue, Reading<T> reading) throws IOException {
			// a new session: what was acknowledged is gone, the rest is back in order
			this.messages.removeAll(this.acknowledged);
			this.taken = 0;
			return reading.read(new Session() {

				@Override
				public long count() {
					return FakeQueue.this.messages.size() - FakeQueue.this.taken;
				}

				@Override
				public Taken take() {
					return (FakeQueue.this.taken < FakeQueue.this.messages.size())
							? FakeQueue.this.messages.get(FakeQueue.this.taken++) : null;
				}

				@Override
				public void ack(Taken message) {
					FakeQueue.this.acknowledged.add(message);
				}

			});
		}

	}

}

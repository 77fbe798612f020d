package dev.bus.listener;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.ReceivePostProcessor;
import dev.bus.VerifiedPublisher;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;
import dev.bus.core.TopicPattern;
import dev.bus.core.batch.BatchEntry;
import dev.bus.failure.DeliveryOrigins;
import dev.bus.failure.FailureHandling;
import dev.bus.failure.MessageMoves;
import dev.bus.failure.RetryPolicy;
import dev.bus.inbox.InMemoryInbox;
import dev.bus.observation.BusObservations;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishChain;
import dev.bus.reply.Responder;
import dev.bus.test.FakeChannel;
import dev.bus.test.RecordingSender;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.CoalescedAcks;
import dev.bus.transport.WireCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener kernel without a broker: the test plays the broker's deliveries on a fake
 * channel, and a recording sender stands for the moves exchange. What a delivery becomes
 * (consumed, retried, dead-lettered, refused, rejected when its move is not confirmed)
 * and that it is acknowledged only once settled.
 */
class BusMessageListenerTest {

	private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, List.of(Duration.ofSeconds(1)), List.of(),
			List.of());

	private final FakeChannel channel = new FakeChannel();

	private final RecordingSender sender = new RecordingSender();

	private final Orders orders = new Orders();

	private final BusListenerDefinition definition = definition();

	private final SenderRestrictionCheck senderCheck = new SenderRestrictionCheck();

	/**
	 * Stands for the per-message token's verification: the publisher it names, if any.
	 */
	private volatile VerifiedPublisher verified;

	private final BusMessageListener listener = new BusMessageListener(this.definition,
			new PayloadDecoder(new JsonMapper(), 64 * 1024), null,
			new FailureHandling(new MessageMoves(this.sender, 200)), BusObservations.NONE,
			new InMemoryInbox(100, Duration.ofMinutes(1), Clock.systemUTC()),
			new ReceiveChain(List
				.<ReceivePostProcessor>of((message) -> message.setVerifiedPublisher(this.verified), this.senderCheck)),
			CoalescedAcks.immediate(),
			new Responder(this.sender,
					new EnvelopeFactory(new JsonMapper(), "/audit", 64 * 1024, true, PublishChain.EMPTY), 200,
					BusObservations.NONE),
			new DeliveryOrigins("bus", BrokerAccess.user("audit")));

	@Test
	void aMessageTheMethodTakesIsConsumedThenAcknowledged() throws Exception {
		this.listener.onMessage(delivery(1, "{\"id\":\"o-1\"}"), this.channel.channel());

		assertThat(this.orders.received).containsExactly("o-1");
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(1, false, false));
		assertThat(this.sender.sent()).isEmpty();
	}

	@Test
	void aFailureWithAttemptsLeftIsParkedForItsNextAttemptThroughTheMovesExchangeThenAcknowledged() throws Exception {
		this.orders.failWith = new IllegalStateException("ledger down");
		this.listener.onMessage(delivery(2, "{\"id\":\"o-2\"}"), this.channel.channel());

		assertThat(this.sender.sent()).singleElement().satisfies((sent) -> {
			assertThat(sent.exchange()).isEqualTo("audit.moves");
			assertThat(sent.routingKey()).isEqualTo("audit.orders.retry.1000ms");
			assertThat(sent.header(BusHeaders.ATTEMPT)).isEqualTo(2);
			assertThat(sent.header(BusHeaders.FAILURE_REASON)).isEqualTo(FailureReason.HANDLER_FAILED.code());
			assertThat(sent.header(BusHeaders.FAILURE_EXCEPTION)).isEqualTo(IllegalStateException.class.getName());
			assertThat(sent.header(BusHeaders.ORIGINAL_TOPIC)).isEqualTo("orders.created");
			assertThat(sent.header(BusHeaders.ORIGINAL_USER_ID)).isEqualTo("orders");
			assertThat(sent.envelope().properties().getUserId()).as("written by the sender, as this app").isNull();
		});
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(2, false, false));
	}

	@Test
	void theLastAttemptOfAMovedMessageIsDeadLetteredWithItsAttemptAndReason() throws Exception {
		this.orders.failWith = new IllegalStateException("ledger down");
		Message third = delivery(3, "{\"id\":\"o-3\"}");
		moved(third, 3);
		this.listener.onMessage(third, this.channel.channel());

		assertThat(this.sender.sent()).singleElement().satisfies((sent) -> {
			assertThat(sent.routingKey()).isEqualTo("audit.orders.dlq");
			assertThat(sent.header(BusHeaders.ATTEMPT)).isEqualTo(3);
			assertThat(sent.header(BusHeaders.FAILURE_MESSAGE)).isEqualTo("ledger down");
		});
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(3, false, false));
	}

	@Test
	void aMessageWhoseMoveIsNotConfirmedIsRejectedToTheQueuesOwnDeadLetterExchangeNotAcknowledged() throws Exception {
		this.orders.failWith = new IllegalStateException("ledger down");
		this.sender.refuseAll();
		this.listener.onMessage(delivery(4, "{\"id\":\"o-4\"}"), this.channel.channel());

		assertThat(this.sender.sent()).hasSize(1);
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(4, false, true));
	}

	@Test
	void badInputNeverReachesTheMethodAndIsDeadLetteredWithItsReason() throws Exception {
		this.listener.onMessage(delivery(5, "{not json"), this.channel.channel());

		assertThat(this.orders.received).isEmpty();
		assertThat(this.sender.sent()).singleElement()
			.satisfies((sent) -> assertThat(sent.header(BusHeaders.FAILURE_REASON))
				.isEqualTo(FailureReason.MALFORMED_PAYLOAD.code()));
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(5, false, false));
	}

	@Test
	void aDeliveryThatClaimsToBeAMoveButCameThroughTheDefaultExchangeIsRefusedAsUnauthenticated() throws Exception {
		Message forged = delivery(6, "{\"id\":\"o-6\"}");
		forged.getMessageProperties().setReceivedExchange("");
		forged.getMessageProperties().setReceivedRoutingKey("audit.orders");
		forged.getMessageProperties().setHeader(BusHeaders.ATTEMPT, 3);
		this.listener.onMessage(forged, this.channel.channel());

		assertThat(this.orders.received).isEmpty();
		assertThat(this.sender.sent()).singleElement().satisfies((sent) -> {
			assertThat(sent.header(BusHeaders.FAILURE_REASON)).isEqualTo(FailureReason.UNAUTHENTICATED.code());
			assertThat(sent.header(BusHeaders.ATTEMPT)).as("the sender's count is not the app's").isEqualTo(1);
			assertThat(sent.header(BusHeaders.UNVERIFIED_ORIGIN)).isNotNull();
		});
	}

	@Test
	void eachMessageOfABatchIsSettledOnItsOwnAndTheBatchIsAcknowledgedOnce() throws Exception {
		Message batch = batch(7, "{\"id\":\"o-7\"}", "{broken", "{\"id\":\"o-8\"}");
		this.listener.onMessage(batch, this.channel.channel());

		assertThat(this.orders.received).containsExactly("o-7", "o-8");
		assertThat(this.sender.sent()).singleElement()
			.satisfies((sent) -> assertThat(sent.header(BusHeaders.FAILURE_REASON))
				.isEqualTo(FailureReason.MALFORMED_PAYLOAD.code()));
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(7, false, false));
	}

	@Test
	void aBatchThatIsNotOneIsDeadLetteredWholeAndAcknowledged() throws Exception {
		Message garbage = delivery(8, "not a batch");
		garbage.getMessageProperties().setContentType(BusContentTypes.BATCH);
		this.listener.onMessage(garbage, this.channel.channel());

		assertThat(this.orders.received).isEmpty();
		assertThat(this.sender.sent()).singleElement()
			.satisfies((sent) -> assertThat(sent.header(BusHeaders.FAILURE_REASON))
				.isEqualTo(FailureReason.MALFORMED_BATCH.code()));
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(8, false, false));
	}

	@Test
	void aFailedRequestIsAnsweredWithTheErrorAndNeitherRetriedNorDeadLettered() throws Exception {
		this.orders.failWith = new IllegalArgumentException("unknown order");
		Message request = delivery(9, "{\"id\":\"o-9\"}");
		request.getMessageProperties().setReplyTo("amq.rabbitmq.reply-to.g1h2");
		request.getMessageProperties().setCorrelationId("c-9");
		this.listener.onMessage(request, this.channel.channel());

		assertThat(this.sender.sent()).singleElement().satisfies((sent) -> {
			assertThat(sent.exchange()).isEmpty();
			assertThat(sent.routingKey()).isEqualTo("amq.rabbitmq.reply-to.g1h2");
			assertThat(sent.envelope().topic()).as("sealed for the request's topic").isEqualTo("orders.created");
			assertThat(sent.envelope().properties().getDeliveryMode()).as("transient").isEqualTo(1);
			assertThat(sent.envelope().properties().getCorrelationId()).isEqualTo("c-9");
			assertThat(sent.header(BusHeaders.REPLY_ERROR)).hasToString(IllegalArgumentException.class.getName());
		});
		assertThat(this.channel.acks()).containsExactly(new FakeChannel.Ack(9, false, false));
	}

	@Test
	void aListenerThatAcceptsSomePublishersOnlyRefusesTheOthersAndMessagesWithoutAVerifiedOne() throws Exception {
		this.senderCheck.restrict("audit.orders", SenderRestriction.of(List.of("orders"), null));
		this.listener.onMessage(delivery(10, "{\"id\":\"o-10\"}"), this.channel.channel());
		this.verified = new VerifiedPublisher("payments", Set.of("bus.publish"), Map.of());
		this.listener.onMessage(delivery(11, "{\"id\":\"o-11\"}"), this.channel.channel());
		this.verified = new VerifiedPublisher("orders", Set.of("bus.publish"), Map.of());
		this.listener.onMessage(delivery(12, "{\"id\":\"o-12\"}"), this.channel.channel());

		assertThat(this.orders.received).containsExactly("o-12");
		assertThat(this.sender.sent()).extracting((sent) -> sent.header(BusHeaders.FAILURE_REASON))
			.containsExactly(FailureReason.UNAUTHENTICATED.code(), FailureReason.FORBIDDEN.code());
		assertThat(this.channel.acks()).extracting(FakeChannel.Ack::deliveryTag).containsExactly(10L, 11L, 12L);
	}

	private BusListenerDefinition definition() {
		try {
			return new BusListenerDefinition("audit.orders", TopicPattern.of("orders.*"), "audit", "audit.orders",
					"audit.orders.dlq", false, false, "1", 10, "", Map.of(), THREE_ATTEMPTS, false,
					SenderRestriction.NONE, List.of(),
					ListenerMethod.of(this.orders, Orders.class.getMethod("on", Order.class)));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A first delivery from the bus exchange, published by broker user {@code orders}.
	 */
	private static Message delivery(long tag, String json) {
		MessageProperties properties = new MessageProperties();
		properties.setDeliveryTag(tag);
		properties.setReceivedExchange("bus");
		properties.setReceivedRoutingKey("orders.created");
		properties.setReceivedUserId("orders");
		properties.setContentType("application/json");
		properties.setMessageId("m-" + tag);
		return new Message(json.getBytes(StandardCharsets.UTF_8), properties);
	}

	/**
	 * The delivery as this application's own move back to the queue, for attempt
	 * {@code attempt}.
	 */
	private static void moved(Message message, int attempt) {
		MessageProperties properties = message.getMessageProperties();
		properties.setReceivedExchange("audit.moves");
		properties.setReceivedRoutingKey("audit.orders");
		properties.setReceivedUserId("audit");
		properties.setHeader(BusHeaders.ORIGINAL_TOPIC, "orders.created");
		properties.setHeader(BusHeaders.ORIGINAL_USER_ID, "orders");
		properties.setHeader(BusHeaders.ATTEMPT, attempt);
	}

	private static Message batch(long tag, String... bodies) {
		List<BatchEntry> entries = new CopyOnWriteArrayList<>();
		for (int i = 0; i < bodies.length; i++) {
			entries.add(new BatchEntry(Map.of("message_id", "b-" + i, "content_type", "application/json"),
					bodies[i].getBytes(StandardCharsets.UTF_8)));
		}
		var envelope = WireCodec.batchOf("orders.created", entries);
		MessageProperties properties = WireCodec.delivered(envelope.properties(),
				new com.rabbitmq.client.Envelope(tag, false, "bus", "orders.created"));
		properties.setReceivedUserId("orders");
		return new Message(envelope.body(), properties);
	}

	public record Order(String id) {
	}

	public static class Orders {

		final List<String> received = new CopyOnWriteArrayList<>();

		volatile RuntimeException failWith;

		public void on(Order order) {
			if (this.failWith != null) {
				throw this.failWith;
			}
			this.received.add(order.id());
		}

	}

}

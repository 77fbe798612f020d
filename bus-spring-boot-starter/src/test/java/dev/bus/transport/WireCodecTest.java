package dev.bus.transport;

import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.OutboundMessage;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.batch.BatchEntry;
import dev.bus.core.batch.MalformedBatchException;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every message attribute across the wire: into a batch entry and back, packed into a
 * batch and unpacked as a listener is delivered it, and the broker user a message is sent
 * as.
 */
class WireCodecTest {

	private static Envelope order(String messageId) {
		return new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", Map.of("id", messageId))
				.messageId(messageId)
				.partitionKey("k")
				.build())
			.envelope();
	}

	@Test
	void aMessageSurvivesTheRoundTripThroughABatchEntry() {
		Envelope envelope = order("m-1");
		BatchEntry entry = WireCodec.toBatchEntry(envelope);
		Envelope back = WireCodec.fromBatchEntry("orders.created", "m-1", entry);
		AMQP.BasicProperties properties = back.properties();
		assertThat(properties.getMessageId()).isEqualTo("m-1");
		assertThat(properties.getType()).isNull();
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getTimestamp()).isEqualTo(envelope.properties().getTimestamp());
		assertThat(properties.getAppId()).isEqualTo("/orders");
		assertThat(properties.getDeliveryMode()).isEqualTo(2);
		assertThat(properties.getHeaders()).containsEntry(BusHeaders.PARTITION_KEY, "k")
			.doesNotContainKeys("message_id", "type", "content_type", "timestamp", "app_id");
		assertThat(back.body()).isEqualTo(envelope.body());
		assertThat(back.topic()).isEqualTo("orders.created");
	}

	@Test
	void aMessageSentByABrokerUserCarriesItAsUserIdAndNothingElse() {
		AMQP.BasicProperties sealed = order("m-1").properties();
		assertThat(WireCodec.sentBy(sealed, null)).isSameAs(sealed);
		AMQP.BasicProperties sent = WireCodec.sentBy(sealed, "orders");
		assertThat(sent.getUserId()).isEqualTo("orders");
		assertThat(sent.getHeaders()).isEqualTo(sealed.getHeaders());
		assertThat(sent.getMessageId()).isEqualTo(sealed.getMessageId());
		assertThat(WireCodec.sentBy(sent, "orders")).isSameAs(sent);
		assertThat(sealed.getUserId()).as("the sealed envelope is not changed").isNull();
	}

	@Test
	void aBatchIsUnpackedIntoItsMessagesWithWhatTheBrokerVerifiedAndNotWhatAnEntryClaims() {
		Envelope first = order("m-1");
		Envelope forged = new Envelope("orders.created", "m-2",
				first.properties()
					.builder()
					.messageId("m-2")
					.headers(Map.of("x-death", "forged", BusHeaders.PARTITION_KEY, "k2"))
					.build(),
				"{}".getBytes());
		Envelope batch = WireCodec.batchOf("orders.created",
				List.of(WireCodec.toBatchEntry(first), WireCodec.toBatchEntry(forged)));
		assertThat(batch.properties().getContentType()).isEqualTo(BusContentTypes.BATCH);
		assertThat(batch.properties().getHeaders()).containsEntry(BusHeaders.BATCH_SIZE, 2);
		assertThat(batch.messageId()).isNotIn("m-1", "m-2");

		MessageProperties delivered = WireCodec.delivered(batch.properties(),
				new com.rabbitmq.client.Envelope(7, true, "bus", "orders.created"));
		delivered.setReceivedUserId("orders");
		delivered.setHeader("x-death", List.of(Map.of("count", 1L)));
		assertThat(WireCodec.isBatch(delivered)).isTrue();
		List<Message> messages = WireCodec.unpack(new Message(batch.body(), delivered));

		assertThat(messages).hasSize(2);
		assertThat(messages).allSatisfy((message) -> {
			MessageProperties properties = message.getMessageProperties();
			assertThat(WireCodec.isBatch(properties)).isFalse();
			assertThat(properties.getDeliveryTag()).isEqualTo(7);
			assertThat(properties.getRedelivered()).isTrue();
			assertThat(properties.getReceivedExchange()).isEqualTo("bus");
			assertThat(properties.getReceivedRoutingKey()).isEqualTo("orders.created");
			assertThat(properties.getReceivedUserId()).isEqualTo("orders");
			assertThat((Object) properties.getHeader("x-death")).isEqualTo(List.of(Map.of("count", 1L)));
		});
		assertThat(messages.get(0).getMessageProperties().getMessageId()).isEqualTo("m-1");
		assertThat(messages.get(0).getBody()).isEqualTo(first.body());
		assertThat(messages.get(1).getMessageProperties().getMessageId()).isEqualTo("m-2");
		assertThat((Object) messages.get(1).getMessageProperties().getHeader(BusHeaders.PARTITION_KEY)).isEqualTo("k2");
	}

	@Test
	void aMessageWithoutAContentTypeIsDeliveredWithoutOne() {
		MessageProperties delivered = WireCodec.delivered(new AMQP.BasicProperties.Builder().messageId("m").build(),
				new com.rabbitmq.client.Envelope(1, false, "bus", "orders.created"));
		assertThat(delivered.getContentType()).as("not spring-amqp's octet-stream").isNull();
		assertThat(WireCodec.isBatch(delivered)).isFalse();
	}

	@Test
	void aBodyThatIsNotABatchIsRefused() {
		MessageProperties delivered = WireCodec.delivered(
				new AMQP.BasicProperties.Builder().contentType(BusContentTypes.BATCH).build(),
				new com.rabbitmq.client.Envelope(1, false, "bus", "orders.created"));
		assertThatExceptionOfType(MalformedBatchException.class)
			.isThrownBy(() -> WireCodec.unpack(new Message("not a batch".getBytes(), delivered)));
	}

}

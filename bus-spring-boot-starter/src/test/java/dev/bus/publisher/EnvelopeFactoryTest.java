package dev.bus.publisher;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.core.BusHeaders;
import dev.bus.core.batch.BatchEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EnvelopeFactoryTest {

	record Order(String id) {
	}

	@Test
	void writesJsonCloudEventsHeadersAndDeliveryMode() {
		Envelope persistent = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).messageId("m-1").subject("o-1").build()).envelope();
		assertThat(new String(persistent.body())).isEqualTo("{\"id\":\"o-1\"}");
		assertThat(persistent.properties().getDeliveryMode()).isEqualTo(2);
		assertThat(persistent.properties().getType()).isEqualTo("orders.created");
		assertThat(persistent.properties().getHeaders()).containsEntry(BusHeaders.CE_ID, "m-1")
			.containsEntry(BusHeaders.CE_SOURCE, "/orders")
			.containsEntry(BusHeaders.CE_SUBJECT, "o-1");
		Envelope transientOne = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, false, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).build()).envelope();
		assertThat(transientOne.properties().getDeliveryMode()).isEqualTo(1);
	}

	@Test
	void refusesOversizeMessages() {
		EnvelopeFactory factory = new EnvelopeFactory(new JsonMapper(), "/orders", 8, true, PublishChain.EMPTY);
		assertThatExceptionOfType(BusPublishException.class)
			.isThrownBy(() -> factory.create(OutboundMessage.builder("orders.created", "0123456789").build()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.OVERSIZE));
	}

	@Test
	void survivesTheRoundTripThroughABatchEntry() {
		Envelope envelope = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).messageId("m-1").partitionKey("k").build()).envelope();
		BatchEntry entry = envelope.toBatchEntry();
		var properties = Envelope.propertiesOf(entry);
		assertThat(properties.getMessageId()).isEqualTo("m-1");
		assertThat(properties.getType()).isEqualTo("orders.created");
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getTimestamp()).isEqualTo(envelope.properties().getTimestamp());
		assertThat(properties.getHeaders()).containsEntry(BusHeaders.PARTITION_KEY, "k")
			.doesNotContainKeys("message_id", "type", "content_type", "timestamp");
		assertThat(entry.body()).isEqualTo(envelope.body());
		assertThat(Map.copyOf(entry.headers())).containsKey(BusHeaders.CE_TIME);
	}

	@Test
	void aMessageSentByABrokerUserCarriesItAsUserIdAndAMovedOneKeepsItsOriginalUser() {
		Envelope envelope = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).build()).envelope();
		assertThat(envelope.sentBy(null)).isSameAs(envelope);
		Envelope sent = envelope.sentBy("orders");
		assertThat(sent.properties().getUserId()).isEqualTo("orders");
		assertThat(sent.properties().getHeaders()).doesNotContainKey(BusHeaders.ORIGINAL_USER_ID);
		assertThat(sent.sentBy("orders")).isSameAs(sent);

		Envelope movedOn = sent.sentBy("inventory");
		assertThat(movedOn.properties().getUserId()).isEqualTo("inventory");
		assertThat(movedOn.properties().getHeaders()).containsEntry(BusHeaders.ORIGINAL_USER_ID, "orders")
			.containsEntry(BusHeaders.CE_ID, envelope.messageId());
		assertThat(movedOn.sentBy("audit").properties().getHeaders()).as("the first publisher is kept")
			.containsEntry(BusHeaders.ORIGINAL_USER_ID, "orders");
	}

}

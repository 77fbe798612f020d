package dev.bus.publisher;

import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.core.BusHeaders;
import dev.bus.transport.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EnvelopeFactoryTest {

	record Order(String id) {
	}

	@Test
	void writesJsonAndEachCloudEventsAttributeOnceInItsAmqpProperty() {
		Envelope persistent = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).messageId("m-1").subject("o-1").build())
			.envelope();
		assertThat(new String(persistent.body())).isEqualTo("{\"id\":\"o-1\"}");
		AMQP.BasicProperties properties = persistent.properties();
		assertThat(properties.getDeliveryMode()).isEqualTo(2);
		assertThat(properties.getMessageId()).isEqualTo("m-1");
		assertThat(properties.getType()).as("the type is the topic: the routing key says it").isNull();
		assertThat(properties.getAppId()).isEqualTo("/orders");
		assertThat(properties.getContentType()).isEqualTo("application/json");
		assertThat(properties.getContentEncoding()).isNull();
		assertThat(properties.getTimestamp()).isNotNull();
		// The subject has no AMQP property: it is the only header left.
		assertThat(properties.getHeaders()).containsExactly(Map.entry(BusHeaders.SUBJECT, "o-1"));
		Envelope transientOne = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, false, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).build())
			.envelope();
		assertThat(transientOne.properties().getDeliveryMode()).isEqualTo(1);
		assertThat(transientOne.properties().getHeaders()).as("no header table at all").isNull();
		Envelope typed = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).type("orders.created.v2").build())
			.envelope();
		assertThat(typed.properties().getType()).isEqualTo("orders.created.v2");
	}

	@Test
	void writesCloudEventsHeadersTooWhenAskedUnderThePrefixAsked() {
		Envelope envelope = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY, "ce-")
			.create(OutboundMessage.builder("orders.created", new Order("o-1")).messageId("m-1").subject("o-1").build())
			.envelope();
		assertThat(envelope.properties().getHeaders()).containsEntry("ce-specversion", "1.0")
			.containsEntry("ce-id", "m-1")
			.containsEntry("ce-source", "/orders")
			.containsEntry("ce-type", "orders.created")
			.containsEntry("ce-subject", "o-1")
			.containsKey("ce-time")
			.doesNotContainKey(BusHeaders.SUBJECT);
		assertThat(envelope.properties().getMessageId()).isEqualTo("m-1");
	}

	@Test
	void sendsABytePayloadAsItIsForReceiversThatReadBytes() {
		byte[] command = { 0x01, 0x7F, (byte) 0xFF };
		Envelope envelope = new EnvelopeFactory(new JsonMapper(), "/orders", 1024, true, PublishChain.EMPTY)
			.create(OutboundMessage.builder("devices.d1.commands", command).build())
			.envelope();
		assertThat(envelope.body()).containsExactly(command);
		assertThat(envelope.properties().getContentType()).isEqualTo("application/octet-stream");
	}

	@Test
	void refusesOversizeMessages() {
		EnvelopeFactory factory = new EnvelopeFactory(new JsonMapper(), "/orders", 8, true, PublishChain.EMPTY);
		assertThatExceptionOfType(BusPublishException.class)
			.isThrownBy(() -> factory.create(OutboundMessage.builder("orders.created", "0123456789").build()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.OVERSIZE));
	}

}

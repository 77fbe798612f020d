package dev.bus.listener;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAlias;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.core.ParameterizedTypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PayloadDecoderTest {

	record Item(String sku, int quantity) {
	}

	private final PayloadDecoder decoder = new PayloadDecoder(new JsonMapper(), 64);

	@Test
	void decodesGenericsRecordsStringsAndBytes() {
		Type listOfItems = new ParameterizedTypeReference<List<Item>>() {
		}.getType();
		assertThat(decode("[{\"sku\":\"a\",\"quantity\":2}]", "application/json", listOfItems))
			.isEqualTo(List.of(new Item("a", 2)));
		assertThat(decode("{\"sku\":\"a\",\"quantity\":2}", "application/cloudevents+json; charset=utf-8", Item.class))
			.isEqualTo(new Item("a", 2));
		assertThat(decode("plain words", "text/plain", String.class)).isEqualTo("plain words");
		assertThat(decode("\"json string\"", null, String.class)).isEqualTo("json string");
		assertThat((byte[]) decode("<xml/>", "application/xml", byte[].class)).asString().isEqualTo("<xml/>");
		assertThat(decode("{\"a\":1}", MessageProperties.CONTENT_TYPE_BYTES, Map.class)).isEqualTo(Map.of("a", 1));
	}

	@Test
	void refusesWhatItCannotDecodeFaithfully() {
		assertRejected("", "application/json", Item.class, FailureReason.EMPTY_BODY);
		assertRejected("x".repeat(65), "application/json", String.class, FailureReason.OVERSIZE);
		assertRejected("{\"sku\":", "application/json", Item.class, FailureReason.MALFORMED_PAYLOAD);
		assertRejected("{\"sku\":\"a\",\"quantity\":\"two\"}", "application/json", Item.class,
				FailureReason.PAYLOAD_TYPE_MISMATCH);
		assertRejected("<item/>", "application/xml", Item.class, FailureReason.UNSUPPORTED_CONTENT_TYPE);
		assertRejected("plain", "text/plain", Item.class, FailureReason.UNSUPPORTED_CONTENT_TYPE);
	}

	record Order(String id, List<Item> lines) {
	}

	@Test
	void aMismatchNamesTheFieldItsTypeAndWhatWasExpectedNeverTheValue() {
		assertThatExceptionOfType(MessageRejectedException.class)
			.isThrownBy(() -> decode("{\"id\":\"o-1\",\"lines\":[{\"sku\":\"a\",\"quantity\":\"card-4111\"}]}",
					"application/json", Order.class))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("PayloadDecoderTest$Order")
				.contains("field 'lines[0].quantity' of Item must be int, found a string")
				.doesNotContain("card-4111"))
			.satisfies((ex) -> assertThat(ex.getCause()).as("Jackson's own message quotes the value").isNull());
		assertThatExceptionOfType(MessageRejectedException.class)
			.isThrownBy(() -> decode("{\"id\":\"card-4111", "application/json", Order.class))
			.satisfies((ex) -> assertThat(ex.getMessage()).startsWith("body is not valid JSON at line 1")
				.doesNotContain("card-4111"));
	}

	/** Version 1 of an event, as a listener built against it reads it. */
	record ShipmentV1(String orderId, String carrier) {
	}

	/**
	 * Version 2: a field added, one renamed, the old name still read
	 * ({@code @JsonAlias}).
	 */
	record ShipmentV2(String orderId, @JsonAlias("carrier") String shipper, String trackingCode) {
	}

	@Test
	void typesEvolveCompatiblyBothWays() {
		assertThat(decode("{\"orderId\":\"o-1\",\"shipper\":\"dhl\",\"trackingCode\":\"T-9\"}", "application/json",
				ShipmentV1.class))
			.as("a v1 reader ignores the added field; the renamed one is missing to it")
			.isEqualTo(new ShipmentV1("o-1", null));
		assertThat(decode("{\"orderId\":\"o-1\",\"carrier\":\"dhl\"}", "application/json", ShipmentV2.class))
			.as("a v2 reader reads v1's field under its old name, the added one absent")
			.isEqualTo(new ShipmentV2("o-1", "dhl", null));
	}

	private Object decode(String body, String contentType, Type type) {
		MessageProperties properties = new MessageProperties();
		properties.setContentType(contentType);
		return this.decoder.decode(body.getBytes(StandardCharsets.UTF_8), properties, this.decoder.typeOf(type));
	}

	private void assertRejected(String body, String contentType, Type type, FailureReason reason) {
		assertThatExceptionOfType(MessageRejectedException.class).isThrownBy(() -> decode(body, contentType, type))
			.satisfies((ex) -> assertThat(ex.getReason()).as(body).isEqualTo(reason.code()));
	}

}

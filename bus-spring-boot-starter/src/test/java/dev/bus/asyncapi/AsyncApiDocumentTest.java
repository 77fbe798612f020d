package dev.bus.asyncapi;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncApiDocumentTest {

	record Payment(String id, long cents) {
	}

	@Test
	@SuppressWarnings("unchecked")
	void anEncryptedTopicIsFlaggedAndTheOperationsOfOneTopicShareItsChannelAndMessage() {
		Map<String, Object> document = new AsyncApiDocument("payments", "2.1.0", null, "bus",
				new PayloadSchemas(new JsonMapper()))
			.server("rabbit:5671", true, Map.of("type", "X509"))
			.sends("payments.captured", Payment.class, "A captured payment", true, true)
			.receives("audit.on", "payments.#", "audit", "audit.payments", Payment.class, true)
			.toMap();
		Map<String, Map<String, Object>> channels = (Map<String, Map<String, Object>>) document.get("channels");
		assertThat(channels).containsOnlyKeys("payments.captured", "payments._all_");
		assertThat(channels.get("payments.captured")).containsEntry("x-bus-encrypted", true)
			.containsEntry("address", "payments.captured");
		Map<String, Object> server = (Map<String, Object>) ((Map<String, Object>) document.get("servers"))
			.get("broker");
		assertThat(server).containsEntry("protocol", "amqps").containsEntry("host", "rabbit:5671");
		Map<String, Object> components = (Map<String, Object>) document.get("components");
		assertThat((Map<String, Object>) components.get("securitySchemes")).containsKey("broker-X509");
		Map<String, Object> message = (Map<String, Object>) ((Map<String, Object>) components.get("messages"))
			.get("payments.captured.Payment");
		Map<String, Object> payload = (Map<String, Object>) message.get("payload");
		assertThat((Map<String, Object>) payload.get("properties")).containsOnlyKeys("id", "cents");
		assertThat(message).containsEntry("description", "A captured payment");
	}

	@Test
	void identifiersKeepOnlyWhatAsyncApiAcceptsInKeys() {
		assertThat(AsyncApiDocument.id("orders.*.eu")).isEqualTo("orders._one_.eu");
		assertThat(AsyncApiDocument.id("orders.#")).isEqualTo("orders._all_");
		assertThat(AsyncApiDocument.id("receive.my listener")).isEqualTo("receive.my_listener");
	}

	record Category(String name, java.util.List<Category> children) {
	}

	@Test
	void aTypeThatContainsItselfIsDescribedAsAnObjectInsteadOfFailingTheDocument() {
		Map<String, Object> schema = new PayloadSchemas(new JsonMapper()).schemaOf(Category.class);
		assertThat(schema).containsEntry("type", "object");
		assertThat((String) schema.get("description")).contains("refers to itself");
	}

}

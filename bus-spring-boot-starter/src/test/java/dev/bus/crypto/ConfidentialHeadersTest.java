package dev.bus.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.core.io.FileSystemResource;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.MessageRejectedException;
import dev.bus.OutboundMessage;
import dev.bus.core.BusHeaders;
import dev.bus.core.TopicPattern;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.Envelope;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishChain;
import dev.bus.test.TestDelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Confidential headers through the real publish and receive elements: encrypted on the
 * way, in clear for the listener only (what a retry or dead letter copies stays
 * encrypted), and bound to their name and message.
 */
class ConfidentialHeadersTest {

	@TempDir
	Path keys;

	private Envelope published(TopicKeysets keysets) {
		return new EnvelopeFactory(new JsonMapper(), "/billing", 1 << 20, true,
				new PublishChain(List.of(new EncryptingPublishPostProcessor(keysets, BrokerAccess.UNKNOWN))))
			.create(OutboundMessage.builder("payments.captured", "p-1")
				.messageId("m-1")
				.confidentialHeader("card-holder", "Ada Lovelace")
				.confidentialHeader("iban", "GB00 0000")
				.build())
			.envelope();
	}

	private static TestDelivery delivered(Envelope envelope) {
		MessageProperties properties = new MessageProperties();
		envelope.properties().getHeaders().forEach(properties::setHeader);
		return new TestDelivery(envelope.topic(), envelope.messageId(), 1, properties, envelope.body());
	}

	@Test
	void theListenerReadsThemInClearAndWhatMovesOnStaysEncrypted() throws Exception {
		TopicKeysets keysets = keysets();
		Envelope envelope = published(keysets);
		assertThat(String.valueOf(envelope.properties().getHeaders().get("card-holder"))).doesNotContain("Lovelace");

		TestDelivery delivery = delivered(envelope);
		new DecryptingReceivePostProcessor(keysets, false).postProcess(delivery);

		assertThat(delivery.replacedHeaders()).containsEntry("card-holder", "Ada Lovelace")
			.containsEntry("iban", "GB00 0000");
		assertThat(String.valueOf(delivery.properties().getHeaders().get("card-holder")))
			.as("what a retry or dead letter copies")
			.isEqualTo(envelope.properties().getHeaders().get("card-holder"));
	}

	@Test
	void aValueMovedToAnotherHeaderDoesNotDecrypt() throws Exception {
		TopicKeysets keysets = keysets();
		TestDelivery delivery = delivered(published(keysets));
		Object holder = delivery.properties().getHeaders().get("card-holder");
		delivery.properties().setHeader("card-holder", delivery.properties().getHeaders().get("iban"));
		delivery.properties().setHeader("iban", holder);
		assertThatExceptionOfType(MessageRejectedException.class)
			.isThrownBy(() -> new DecryptingReceivePostProcessor(keysets, false).postProcess(delivery))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("decryption-failed"))
			.withMessageNotContaining("Ada");
		assertThat(delivery.properties().getHeaders()).containsKey(BusHeaders.ENCRYPTED_HEADERS);
	}

	private TopicKeysets keysets() throws Exception {
		AeadConfig.register();
		Path file = this.keys.resolve("payments.json");
		Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeyset(
				KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get()));
		return TopicKeysets.load(List.of(new TopicKeysets.Source(TopicPattern.of("payments.*"),
				new FileSystemResource(file), null, "bus.security.encryption.topics[0].keyset")));
	}

}

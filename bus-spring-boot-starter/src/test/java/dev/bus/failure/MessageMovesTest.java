package dev.bus.failure;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.core.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener's exception message leaves the application (dead-letter header, log) only
 * when the message it was reading was not encrypted.
 */
class MessageMovesTest {

	private static final IllegalStateException QUOTING = new IllegalStateException("product sku-9 is not stocked");

	@Test
	void aListenersFailureOverAnEncryptedMessageKeepsItsMessageIn() {
		MessageProperties encrypted = new MessageProperties();
		encrypted.setHeader(BusHeaders.ENCRYPTION, "aes256-gcm-tink");
		assertThat(MessageMoves.failureMessage(encrypted, FailureReason.HANDLER_FAILED.code(), QUOTING))
			.isEqualTo(MessageMoves.WITHHELD)
			.doesNotContain("sku-9");
	}

	@Test
	void aListenersFailureOverAClearMessageAndBusOwnRefusalsAreKept() {
		assertThat(MessageMoves.failureMessage(new MessageProperties(), FailureReason.HANDLER_FAILED.code(), QUOTING))
			.isEqualTo("product sku-9 is not stocked");
		MessageProperties encrypted = new MessageProperties();
		encrypted.setHeader(BusHeaders.ENCRYPTION, "aes256-gcm-tink");
		assertThat(MessageMoves.failureMessage(encrypted, FailureReason.DECRYPTION_FAILED.code(),
				new IllegalArgumentException("no key 42 in the keyset")))
			.isEqualTo("no key 42 in the keyset");
		assertThat(MessageMoves.failureMessage(encrypted, FailureReason.HANDLER_FAILED.code(), null)).isEmpty();
	}

}

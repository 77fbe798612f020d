package dev.bus.crypto;

import org.springframework.core.Ordered;

import dev.bus.MessageRejectedException;
import dev.bus.OutgoingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.core.BusHeaders;

/**
 * Refuses a message with confidential headers
 * ({@code OutboundMessage.Builder.confidentialHeader}) that nothing encrypted: the last
 * element of every publish chain, after {@link EncryptingPublishPostProcessor}, and
 * present whether or not any topic is encrypted, so a confidential value never leaves in
 * clear. The publish fails as {@code REJECTED} ({@code confidential-headers-in-clear})
 * and nothing is sent.
 */
public class ConfidentialHeadersGuard implements PublishPostProcessor, Ordered {

	/** Last: after encryption, whatever else ran. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

	@Override
	public void postProcess(OutgoingMessage message) {
		if (message.headers().containsKey(BusHeaders.ENCRYPTED_HEADERS)
				&& !message.headers().containsKey(BusHeaders.ENCRYPTION)) {
			throw new MessageRejectedException("confidential-headers-in-clear", "the message has confidential "
					+ "headers and topic '" + message.topic() + "' is not encrypted (bus.security.encryption.topics)");
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

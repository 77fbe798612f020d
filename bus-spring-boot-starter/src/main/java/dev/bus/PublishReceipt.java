package dev.bus;

/**
 * Proof that the broker confirmed a message.
 *
 * @param topic topic (routing key) it was published to
 * @param messageId its message id, which consumers see as {@code message_id}
 */
public record PublishReceipt(String topic, String messageId) {
}

package dev.bus;

/**
 * One element of the publish chain: sees every message after Bus has built its envelope
 * (JSON body, id, type, CloudEvents headers) and before the AMQP properties are sealed
 * and sent. It may add or change headers, replace the body (encryption), record the
 * outcome through {@link OutgoingMessage#onSettled}, or refuse the message by throwing
 * {@link MessageRejectedException}, which fails the publish's future and sends nothing.
 *
 * <p>
 * Declare one as a bean; Bus collects every bean of this type in
 * {@link org.springframework.core.Ordered} order ({@code @Order} works). Tracing runs at
 * {@code Ordered.HIGHEST_PRECEDENCE + 100}, so its span covers the elements after it.
 * With the transactional outbox, the chain runs when the application publishes, so what
 * is stored is what will be sent.
 */
@FunctionalInterface
public interface PublishPostProcessor {

	/**
	 * Processes one outgoing message, on the publishing thread.
	 * @throws MessageRejectedException to refuse it
	 */
	void postProcess(OutgoingMessage message);

}

package dev.bus;

/**
 * One element of the receive chain: sees every delivered message (each logical message of
 * a batch on its own) before its payload is decoded and before any listener code runs. It
 * may read and change headers and the body (decryption), record the outcome through
 * {@link IncomingMessage#onSettled}, or refuse the message by throwing
 * {@link MessageRejectedException}: the message then goes to the listener's dead-letter
 * queue with the reason, and the listener method never sees it. Any other exception from
 * an element is treated the same way, with the reason {@code post-processor-failed}.
 *
 * <p>
 * Declare one as a bean; Bus collects every bean of this type in
 * {@link org.springframework.core.Ordered} order ({@code @Order} works). Tracing runs at
 * {@code Ordered.HIGHEST_PRECEDENCE + 100}: its span is current for the elements after it
 * and the listener method.
 */
@FunctionalInterface
public interface ReceivePostProcessor {

	/**
	 * Processes one delivered message, on the listener's thread.
	 * @throws MessageRejectedException to refuse it
	 */
	void postProcess(IncomingMessage message);

}

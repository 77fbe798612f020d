package dev.bus.listener;

import java.util.List;

import dev.bus.MessageRejectedException;
import dev.bus.ReceivePostProcessor;
import dev.bus.core.FailureReason;

/**
 * The ordered {@link ReceivePostProcessor}s every delivered message goes through before it is decoded.
 */
public final class ReceiveChain {

	/** No elements. */
	public static final ReceiveChain EMPTY = new ReceiveChain(List.of());

	private final ReceivePostProcessor[] elements;

	public ReceiveChain(List<? extends ReceivePostProcessor> elements) {
		this.elements = elements.toArray(ReceivePostProcessor[]::new);
	}

	/**
	 * Runs every element in order.
	 * @throws MessageRejectedException when one refuses the message, or fails
	 * ({@link FailureReason#POST_PROCESSOR_FAILED}; the detail names the element and the exception's class, never
	 * its message, which might quote the payload)
	 */
	void apply(DeliveredMessage message) {
		for (ReceivePostProcessor element : this.elements) {
			try {
				element.postProcess(message);
			}
			catch (MessageRejectedException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				throw new MessageRejectedException(FailureReason.POST_PROCESSOR_FAILED.code(),
						element.getClass().getName() + " failed: " + ex.getClass().getName(), ex);
			}
		}
	}

}

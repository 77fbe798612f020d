package dev.bus.chain;

import java.util.List;

import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;

/**
 * Runs ordered message post-processors of one direction, turning anything but a rejection
 * into one: the rest of the chain is skipped and the message refused with
 * {@link FailureReason#POST_PROCESSOR_FAILED}. The detail names the element and the
 * exception's class, never its message, which might quote a payload or a token.
 *
 * @param <E> the element type
 * @param <M> the message type the elements see
 */
public abstract class PostProcessorChain<E, M> {

	private final List<E> elements;

	protected PostProcessorChain(List<? extends E> elements) {
		this.elements = List.copyOf(elements);
	}

	/**
	 * Runs every element in order.
	 * @throws MessageRejectedException when one refuses the message or fails
	 */
	protected final void run(M message) {
		for (E element : this.elements) {
			try {
				invoke(element, message);
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

	/** Calls one element. */
	protected abstract void invoke(E element, M message);

}

package dev.bus.publisher;

import java.util.List;

import dev.bus.MessageRejectedException;
import dev.bus.PublishPostProcessor;

/**
 * The ordered {@link PublishPostProcessor}s every publish goes through, between building the envelope and
 * sealing it.
 */
public final class PublishChain {

	/** No elements. */
	public static final PublishChain EMPTY = new PublishChain(List.of());

	private final PublishPostProcessor[] elements;

	public PublishChain(List<? extends PublishPostProcessor> elements) {
		this.elements = elements.toArray(PublishPostProcessor[]::new);
	}

	/**
	 * Runs every element in order.
	 * @throws MessageRejectedException when one refuses the message, or fails ({@code post-processor-failed})
	 */
	void apply(OutgoingEnvelope message) {
		for (PublishPostProcessor element : this.elements) {
			try {
				element.postProcess(message);
			}
			catch (MessageRejectedException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				throw new MessageRejectedException("post-processor-failed",
						element.getClass().getName() + " failed: " + ex.getClass().getName(), ex);
			}
		}
	}

}

package dev.bus.publisher;

import java.util.List;

import dev.bus.PublishPostProcessor;
import dev.bus.chain.PostProcessorChain;

/**
 * The ordered {@link PublishPostProcessor}s every publish goes through, between building
 * the envelope and sealing it.
 */
public final class PublishChain extends PostProcessorChain<PublishPostProcessor, OutgoingEnvelope> {

	/** No elements. */
	public static final PublishChain EMPTY = new PublishChain(List.of());

	public PublishChain(List<? extends PublishPostProcessor> elements) {
		super(elements);
	}

	void apply(OutgoingEnvelope message) {
		run(message);
	}

	@Override
	protected void invoke(PublishPostProcessor element, OutgoingEnvelope message) {
		element.postProcess(message);
	}

}

package dev.bus.listener;

import java.util.List;

import dev.bus.ReceivePostProcessor;
import dev.bus.chain.PostProcessorChain;

/**
 * The ordered {@link ReceivePostProcessor}s every delivered message goes through before
 * it is decoded.
 */
public final class ReceiveChain extends PostProcessorChain<ReceivePostProcessor, DeliveredMessage> {

	public ReceiveChain(List<? extends ReceivePostProcessor> elements) {
		super(elements);
	}

	void apply(DeliveredMessage message) {
		run(message);
	}

	@Override
	protected void invoke(ReceivePostProcessor element, DeliveredMessage message) {
		element.postProcess(message);
	}

}

package dev.bus.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The outcome callbacks chain elements registered on one message, run once, last
 * registered first (as scopes nest). One that throws is logged and the rest still run: an
 * element's bookkeeping must not change what happens to the message.
 *
 * @param <T> the outcome type
 */
public final class OutcomeCallbacks<T> {

	private static final Log logger = LogFactory.getLog(OutcomeCallbacks.class);

	private List<Consumer<T>> callbacks;

	/** Adds a callback (on the thread that processes the message). */
	public void add(Consumer<T> callback) {
		if (this.callbacks == null) {
			this.callbacks = new ArrayList<>(2);
		}
		this.callbacks.add(callback);
	}

	/**
	 * Runs the callbacks with {@code outcome}, once.
	 * @param what the message, for the log line of a failing callback
	 */
	public void run(T outcome, String what) {
		List<Consumer<T>> registered = this.callbacks;
		if (registered == null) {
			return;
		}
		this.callbacks = null;
		for (int i = registered.size() - 1; i >= 0; i--) {
			try {
				registered.get(i).accept(outcome);
			}
			catch (RuntimeException ex) {
				logger.warn("Outcome callback failed for " + what, ex);
			}
		}
	}

}

package dev.bus.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.Ordered;

import dev.bus.IncomingMessage;
import dev.bus.ReceivePostProcessor;

/**
 * The listeners' sender restrictions ({@code @BusListener(publishers = ..., authority =
 * ...)}) as an element of the receive chain: right after the per-message token is
 * verified ({@code MessageTokenReceivePostProcessor}, which names the verified
 * publisher), before anything is decrypted or decoded, a message from a sender the
 * listener does not accept is refused ({@code forbidden}, or {@code unauthenticated} when
 * no publisher was verified) and dead-lettered.
 */
public final class SenderRestrictionCheck implements ReceivePostProcessor, Ordered {

	/**
	 * After the per-message token ({@code Ordered.HIGHEST_PRECEDENCE + 150}), before
	 * decryption ({@code + 200}).
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 160;

	private final Map<String, SenderRestriction> restrictions = new ConcurrentHashMap<>();

	/** Applies a listener's restriction to the messages delivered to it from now on. */
	void restrict(String listenerId, SenderRestriction restriction) {
		if (restriction.isNone()) {
			this.restrictions.remove(listenerId);
		}
		else {
			this.restrictions.put(listenerId, restriction);
		}
	}

	@Override
	public void postProcess(IncomingMessage message) {
		String listenerId = message.listenerId();
		SenderRestriction restriction = (listenerId != null) ? this.restrictions.get(listenerId) : null;
		if (restriction != null) {
			restriction.check(message.verifiedPublisher(), listenerId);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

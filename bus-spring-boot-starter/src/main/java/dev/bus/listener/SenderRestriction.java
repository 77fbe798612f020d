package dev.bus.listener;

import java.util.Collection;
import java.util.Set;

import dev.bus.MessageRejectedException;
import dev.bus.VerifiedPublisher;
import dev.bus.core.FailureReason;

/**
 * The senders a listener accepts
 * ({@code @BusListener(publishers = ..., authority = ...)}), checked against the
 * publisher a per-message token proved, before the method is called.
 *
 * @param publishers accepted token subjects; empty accepts any
 * @param authority an authority the token must grant ({@code SCOPE_<scope>}); empty for
 * none
 */
public record SenderRestriction(Set<String> publishers, String authority) {

	/** Accepts every message. */
	public static final SenderRestriction NONE = new SenderRestriction(Set.of(), "");

	private static final String SCOPE_AUTHORITY_PREFIX = "SCOPE_";

	public static SenderRestriction of(Collection<String> publishers, String authority) {
		return new SenderRestriction(Set.copyOf(publishers), (authority != null) ? authority : "");
	}

	boolean isNone() {
		return this.publishers.isEmpty() && this.authority.isEmpty();
	}

	/**
	 * @throws MessageRejectedException {@code unauthenticated} when the listener
	 * restricts its senders and no publisher was verified, {@code forbidden} when the
	 * verified one is not accepted
	 */
	void check(VerifiedPublisher publisher, String listenerId) {
		if (isNone()) {
			return;
		}
		if (publisher == null) {
			throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), "listener '" + listenerId
					+ "' accepts verified publishers only, and this message has no per-message token");
		}
		if (!this.publishers.isEmpty() && !this.publishers.contains(publisher.subject())) {
			throw new MessageRejectedException(FailureReason.FORBIDDEN.code(),
					"listener '" + listenerId + "' does not accept messages from '" + publisher.subject() + "'");
		}
		if (!this.authority.isEmpty() && !grants(publisher, this.authority)) {
			throw new MessageRejectedException(FailureReason.FORBIDDEN.code(),
					"listener '" + listenerId + "' requires authority " + this.authority + ", which the token of '"
							+ publisher.subject() + "' does not grant");
		}
	}

	private static boolean grants(VerifiedPublisher publisher, String authority) {
		return authority.startsWith(SCOPE_AUTHORITY_PREFIX)
				&& publisher.scopes().contains(authority.substring(SCOPE_AUTHORITY_PREFIX.length()));
	}

}

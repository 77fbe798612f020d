package dev.bus.listener;

import dev.bus.core.FailureReason;

/**
 * A message Bus refuses to hand to user code (bad input); it is dead-lettered with the reason.
 */
public class RejectedMessageException extends RuntimeException {

	private final FailureReason reason;

	public RejectedMessageException(FailureReason reason, String detail, Throwable cause) {
		super(detail, cause);
		this.reason = reason;
	}

	public FailureReason getReason() {
		return this.reason;
	}

}

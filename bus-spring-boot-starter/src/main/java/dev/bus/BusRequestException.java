package dev.bus;

/**
 * A request that got no usable reply. The message is never an exception's stack trace: a
 * failed responder's error arrives as its class name and a bounded message.
 */
public class BusRequestException extends RuntimeException {

	/** Why the request got no reply. */
	public enum Reason {

		/**
		 * The request could not be sent (see the cause, a {@link BusPublishException});
		 * no listener was asked.
		 */
		NOT_SENT,
		/** No listener is bound for the topic: the broker returned the request. */
		NO_RESPONDER,
		/**
		 * No reply within the request's timeout; a reply arriving later is dropped and
		 * counted.
		 */
		TIMEOUT,
		/**
		 * The responding listener method threw; {@link #getResponderError()} names the
		 * exception's class.
		 */
		RESPONDER_FAILED,
		/** The reply does not fit the expected reply type. */
		REPLY_MISMATCH,
		/**
		 * The receive chain refused the reply, as it would refuse a message of the
		 * request's topic: a missing or invalid per-message token, a payload that does
		 * not decrypt, or in clear on an encrypted topic. The message names the reason.
		 */
		REPLY_REFUSED

	}

	private final Reason reason;

	private final String topic;

	private final String responderError;

	public BusRequestException(Reason reason, String topic, String detail, String responderError, Throwable cause) {
		super("Request to topic '" + topic + "' failed (" + reason + "): " + detail, cause);
		this.reason = reason;
		this.topic = topic;
		this.responderError = responderError;
	}

	public Reason getReason() {
		return this.reason;
	}

	public String getTopic() {
		return this.topic;
	}

	/**
	 * The class name of what the responder threw, for {@link Reason#RESPONDER_FAILED};
	 * otherwise {@code null}.
	 */
	public String getResponderError() {
		return this.responderError;
	}

}

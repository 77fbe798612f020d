package dev.bus;

import java.util.regex.Pattern;

/**
 * Refuses a message with a reason. Thrown by a {@link PublishPostProcessor}, it fails the
 * publish's future ({@link BusPublishException.Reason#REJECTED}) and nothing is sent;
 * thrown by a {@link ReceivePostProcessor}, or by Bus itself for bad input, it sends the
 * message to the listener's dead-letter queue with the reason in the
 * {@code bus-failure-reason} header, and the listener method never sees it.
 *
 * <p>
 * The reason is a short code for metrics and operators ({@code access-denied},
 * {@code decryption-failed}); the detail is for people. Neither may contain secrets,
 * tokens, keys or payload text: both reach headers and logs.
 */
public class MessageRejectedException extends RuntimeException {

	private static final Pattern REASON = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	private final String reason;

	/**
	 * @param reason lower-case code with dashes, e.g. {@code access-denied}
	 * @param detail what is wrong, for people
	 */
	public MessageRejectedException(String reason, String detail) {
		this(reason, detail, null);
	}

	public MessageRejectedException(String reason, String detail, Throwable cause) {
		super(detail, cause);
		if (reason == null || !REASON.matcher(reason).matches()) {
			throw new IllegalArgumentException(
					"rejection reason '" + reason + "' must be lower-case words joined by dashes, e.g. access-denied");
		}
		this.reason = reason;
	}

	/** The reason code, e.g. {@code access-denied}. */
	public String getReason() {
		return this.reason;
	}

}

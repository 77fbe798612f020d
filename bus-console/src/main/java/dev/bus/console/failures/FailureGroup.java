package dev.bus.console.failures;

import java.util.List;

import dev.bus.core.operations.DeadLetter;

/**
 * Dead letters of one listener that failed the same way: same topic, reason and exception
 * class.
 *
 * @param service the owning service
 * @param listener the listener's id
 * @param topic the topic they were published to
 * @param reason why Bus dead-lettered them, or {@code null} (the broker did)
 * @param exception the class the listener threw, or {@code null}
 * @param firstSeen the earliest first failure (ISO-8601), or {@code null}
 * @param lastSeen the latest last failure (ISO-8601), or {@code null}
 * @param messages the dead letters, oldest first, each with whether it failed again after
 * a retry from the console
 */
public record FailureGroup(String service, String listener, String topic, String reason, String exception,
		String firstSeen, String lastSeen, List<Failed> messages) {

	/**
	 * A listener's chosen messages when their group is gone from the listing (retried or
	 * discarded elsewhere since the page was drawn): acting on them by id reports each.
	 */
	public static FailureGroup chosen(String service, String listener) {
		return new FailureGroup(service, listener, null, null, null, null, null, List.of());
	}

	public int count() {
		return this.messages.size();
	}

	/** The group's key in the page and in forms. */
	public String key() {
		return Integer
			.toHexString(java.util.Objects.hash(this.service, this.listener, this.topic, this.reason, this.exception));
	}

	/** The exception's simple name, for the table (the full name is its title). */
	public String exceptionShown() {
		return (this.exception != null) ? this.exception.substring(this.exception.lastIndexOf('.') + 1) : "—";
	}

	public String firstSeenShown() {
		return shown(this.firstSeen);
	}

	public String lastSeenShown() {
		return shown(this.lastSeen);
	}

	/**
	 * An ISO-8601 instant to the second, as people read it: {@code 2026-12-06 19:41:12}.
	 */
	private static String shown(String instant) {
		return (instant != null && instant.length() >= 19) ? instant.substring(0, 19).replace('T', ' ') + " UTC" : "—";
	}

	/** Whether any of them failed again after the console retried it. */
	public long failedAgain() {
		return this.messages.stream().filter(Failed::failedAgain).count();
	}

	/**
	 * One dead letter in a group.
	 *
	 * @param deadLetter what the app listed
	 * @param failedAgain whether it is back after the console retried it
	 * @param traceLink where its trace is shown, or {@code null}
	 */
	public record Failed(DeadLetter deadLetter, boolean failedAgain, String traceLink) {
	}

}

package dev.bus.routing;

/**
 * Which topics' payloads are encrypted ({@code bus.security.encryption}), so that routing
 * never moves a message from an encrypted topic to one in clear: a rule cannot undo what
 * encryption protects.
 */
@FunctionalInterface
public interface TopicProtection {

	/** No topic is encrypted. */
	TopicProtection NONE = (topic) -> false;

	/** Whether messages on {@code topic} are encrypted. */
	boolean encrypted(String topic);

}

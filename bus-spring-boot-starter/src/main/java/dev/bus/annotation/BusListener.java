package dev.bus.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a bus listener: Bus declares a queue for the listener's group,
 * binds it to the topic pattern, consumes with manual acknowledgement and invokes the
 * method once per message.
 *
 * <p>
 * Parameters: at most one payload parameter of any JSON-mappable type (records, generics
 * such as {@code List<Item>}, {@code String}, {@code byte[]}) and at most one
 * {@code BusMessage<T>} parameter for metadata; when only {@code BusMessage<T>} is
 * declared, {@code T} is the payload type. The message is acked after the method returns;
 * if it throws, it is retried after a backoff (see {@link #maxAttempts()}), and after the
 * last attempt it goes to the dead-letter queue {@code <queue>.dlq} with failure headers.
 * The listener carries on with other messages meanwhile.
 *
 * <p>
 * String attributes accept property placeholders ({@code ${...}}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BusListener {

	/**
	 * Topic or topic pattern: dot-separated words, {@code *} for exactly one word,
	 * {@code #} for zero or more.
	 */
	String topic();

	/**
	 * Listener group. Instances of a group compete for messages; every group gets every
	 * message. Defaults to {@code bus.listener.group}, itself defaulting to
	 * {@code spring.application.name}.
	 */
	String group() default "";

	/**
	 * Id shown in the actuator endpoint, metrics and logs; defaults to
	 * {@code <bean>.<method>}.
	 */
	String id() default "";

	/**
	 * Deliver every message to every instance rather than to one instance of the group:
	 * each instance gets its own exclusive, auto-deleted queue.
	 */
	boolean broadcast() default false;

	/**
	 * Consumers per instance, {@code "3"} or a range {@code "2-6"}; defaults to
	 * {@code bus.listener.concurrency}.
	 */
	String concurrency() default "";

	/**
	 * Unacknowledged messages per consumer; {@code -1} uses
	 * {@code bus.listener.prefetch}.
	 */
	int prefetch() default -1;

	/**
	 * Handle messages one at a time, in queue order, across all instances (single active
	 * consumer); combine with a partition key at publish time to keep each key's messages
	 * in order. Forces concurrency 1.
	 */
	boolean ordered() default false;

	/**
	 * App-side filter: a SpEL expression over {@code payload}, {@code headers},
	 * {@code topic}, {@code type} and {@code messageId}, e.g.
	 * {@code payload.region == 'eu'}. Messages for which it is false are acked and
	 * skipped without reaching the method, and counted. Only property access and
	 * operators are allowed.
	 */
	String filter() default "";

	/**
	 * Broker-side filter on headers, as {@code name=value} pairs that must all match;
	 * non-matching messages never reach this application. Prefer this to
	 * {@link #filter()} when the condition is on headers only.
	 */
	String[] headers() default {};

	/**
	 * The only publishers (per-message token subjects,
	 * {@code bus.security.message-token.*}) whose messages reach the method; others go to
	 * the dead-letter queue as {@code forbidden}, messages without a verified publisher
	 * as {@code unauthenticated}. Empty accepts any verified or unverified publisher the
	 * topic allows.
	 */
	String[] publishers() default {};

	/**
	 * An authority the publisher's per-message token must grant ({@code SCOPE_<scope>},
	 * as Spring Security names scopes), checked like {@link #publishers()}.
	 */
	String authority() default "";

	/**
	 * Health indicators (by name, as in {@code /actuator/health}: {@code db},
	 * {@code pricing}) this listener depends on, added to
	 * {@code bus.listener.pause-when-down}: while any of them is DOWN or OUT_OF_SERVICE
	 * the listener stops taking deliveries (finishing those in flight) and the group's
	 * other instances take the load; it resumes when they are up again. Nothing is
	 * retried or dead-lettered because this instance's dependency is down.
	 */
	String[] pauseWhenDown() default {};

	/**
	 * Skip messages this listener has already processed successfully (same message id),
	 * acking them without calling the method: an exactly-once effect on top of
	 * at-least-once delivery. Uses the application's {@code Inbox} bean (in memory by
	 * default; JDBC when configured). A message that came without an id (an MQTT
	 * device's) is known by one derived from its topic and body.
	 */
	boolean idempotent() default false;

	/**
	 * Attempts in all before a failed message is dead-lettered, the first included;
	 * {@code -1} uses {@code bus.listener.retry.max-attempts}. Retries wait on the
	 * broker, never on a consumer thread.
	 */
	int maxAttempts() default -1;

	/**
	 * Wait before the second attempt, e.g. {@code "500ms"}; empty uses
	 * {@code bus.listener.retry.initial-interval}.
	 */
	String initialInterval() default "";

	/** Backoff multiplier; {@code -1} uses {@code bus.listener.retry.multiplier}. */
	double multiplier() default -1;

	/**
	 * Longest wait between attempts; empty uses {@code bus.listener.retry.max-interval}.
	 */
	String maxInterval() default "";

	/**
	 * Exceptions that retry; empty uses {@code bus.listener.retry.retryable} (empty
	 * there: every exception not listed as not retryable).
	 */
	Class<? extends Throwable>[] retryFor() default {};

	/**
	 * Exceptions that go straight to the dead-letter queue, added to
	 * {@code bus.listener.retry.not-retryable}.
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

}

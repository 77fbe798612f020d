package dev.bus.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that the annotated bean publishes {@code payload} messages to {@code topic},
 * for the application's AsyncAPI document ({@code /actuator/asyncapi}): listeners are
 * found on their own, what an application publishes is only known from its calls, so it
 * is declared where the publishing happens.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(BusPublishes.List.class)
public @interface BusPublishes {

	/** The topic, as passed to {@code BusPublisher.publish}. */
	String topic();

	/** The payload type, whose JSON Schema the document carries. */
	Class<?> payload();

	/** What the message means, for the teams that read the document. */
	String description() default "";

	/** Several {@link BusPublishes} on one bean. */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		BusPublishes[] value();

	}

}

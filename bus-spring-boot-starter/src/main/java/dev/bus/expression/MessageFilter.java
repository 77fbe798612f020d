package dev.bus.expression;

import java.util.Map;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.DataBindingPropertyAccessor;
import org.springframework.expression.spel.support.MapAccessor;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import dev.bus.BusMessage;
import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;

/**
 * A condition on a message's content: a listener's app-side filter, or a routing rule's
 * {@code when}. A SpEL expression over {@code payload}, {@code headers}, {@code topic},
 * {@code type} and {@code messageId}, evaluated in a {@link SimpleEvaluationContext} with
 * read-only property access (records, getters, map keys as properties), so a filter can
 * read a message but never call methods, reference types or change state.
 */
public final class MessageFilter {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final String source;

	private final Expression expression;

	/**
	 * Built once: property accessors cache what they resolve; the message is passed as
	 * root per evaluation.
	 */
	private final EvaluationContext context = SimpleEvaluationContext
		.forPropertyAccessors(new MapAccessor(), DataBindingPropertyAccessor.forReadOnlyAccess())
		.build();

	private MessageFilter(String source, Expression expression) {
		this.source = source;
		this.expression = expression;
	}

	/**
	 * Parses a filter.
	 * @throws IllegalArgumentException when the expression does not parse
	 */
	public static MessageFilter parse(String source) {
		try {
			return new MessageFilter(source, PARSER.parseExpression(source));
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException(
					"filter '" + source + "' is not a valid expression: " + ex.getSimpleMessage(), ex);
		}
	}

	/**
	 * Whether the message passes.
	 * @throws MessageRejectedException with {@link FailureReason#FILTER_ERROR} when
	 * evaluation fails
	 */
	public boolean matches(BusMessage<?> message) {
		try {
			return Boolean.TRUE.equals(this.expression.getValue(this.context, new Root(message), Boolean.class));
		}
		catch (RuntimeException ex) {
			throw new MessageRejectedException(FailureReason.FILTER_ERROR.code(),
					"filter '" + this.source + "' failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.source;
	}

	/** What a filter sees. */
	public record Root(Object payload, Map<String, String> headers, String topic, String type, String messageId) {

		Root(BusMessage<?> message) {
			this(message.payload(), message.headers(), message.topic(), message.type(), message.messageId());
		}

	}

}

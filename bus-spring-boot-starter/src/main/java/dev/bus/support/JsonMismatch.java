package dev.bus.support;

import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/** Why JSON does not fit a type, in words that never quote the JSON. */
public final class JsonMismatch {

	private JsonMismatch() {
	}

	/**
	 * Where the JSON does not fit and what the type expected there: the field's path and
	 * the type that declares it, never the value found, which may be confidential (an
	 * encrypted topic's payload is in clear once decrypted) and would reach a dead-letter
	 * queue's headers, an exception and the logs. Jackson's own message quotes the value:
	 * keep it out of any message or cause that leaves the caller.
	 */
	public static String describe(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		String declaredBy = null;
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
				Object from = reference.from();
				declaredBy = (from instanceof Class<?> type) ? type.getSimpleName()
						: (from != null) ? from.getClass().getSimpleName() : null;
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		StringBuilder why = new StringBuilder((path.length() > 0) ? "field '" + path + "'" : "the document");
		if (declaredBy != null) {
			why.append(" of ").append(declaredBy);
		}
		if (ex instanceof UnrecognizedPropertyException) {
			why.append(" is not a field of the type");
		}
		else if (ex instanceof ValueInstantiationException instantiation) {
			why.append(": its constructor refused the values (")
				.append((instantiation.getCause() != null) ? instantiation.getCause().getClass().getSimpleName()
						: "no reason given")
				.append(')');
		}
		else if (ex instanceof MismatchedInputException input && input.getTargetType() != null) {
			why.append(" must be ").append(input.getTargetType().getSimpleName());
			if (input.getCurrentToken() != null) {
				why.append(", found ").append(tokenKind(input.getCurrentToken()));
			}
		}
		else {
			why.append(" (").append(ex.getClass().getSimpleName()).append(')');
		}
		return why.toString();
	}

	/** What kind of JSON value a token starts: a string, a number, an object... */
	private static String tokenKind(JsonToken token) {
		return switch (token) {
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case VALUE_NULL -> "null";
			case START_OBJECT -> "an object";
			case START_ARRAY -> "an array";
			default -> token.name().toLowerCase(Locale.ROOT);
		};
	}

}

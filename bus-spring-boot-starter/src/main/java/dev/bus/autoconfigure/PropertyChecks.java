package dev.bus.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * Checks of {@code bus.*} values at binding time, each failure naming the property as
 * users write it ({@code bus.listener.max-message-size}), whether or not it was set:
 * Boot's own report names only properties bound from a source, and in camel case. Field
 * names are relative to the {@link Errors}' nested path, so that each group of settings
 * checks its own fields ({@link #nested}).
 */
final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * Runs a group's checks under its path ({@code listener}), so that its field names
	 * are its own.
	 */
	static void nested(Errors errors, String path, Consumer<Errors> checks) {
		errors.pushNestedPath(path);
		try {
			checks.accept(errors);
		}
		finally {
			errors.popNestedPath();
		}
	}

	static void reject(Errors errors, String field, String code, String message) {
		String path = errors.getNestedPath() + field;
		String property = "bus." + path.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		errors.rejectValue(field, code, property + " " + message);
	}

	static void positive(Errors errors, String field, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			reject(errors, field, "positive", "must be positive");
		}
	}

	static void positive(Errors errors, String field, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			reject(errors, field, "positive", "must be positive");
		}
	}

	static void atLeast(Errors errors, String field, int value, int minimum) {
		if (value < minimum) {
			reject(errors, field, "min", "must be at least " + minimum);
		}
	}

}

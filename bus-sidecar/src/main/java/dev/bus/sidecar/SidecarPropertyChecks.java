package dev.bus.sidecar;

import java.time.Duration;
import java.util.function.Consumer;

import org.springframework.validation.Errors;

/**
 * Checks shared by the groups of {@code bus.sidecar.*} settings; field names are relative
 * to the {@link Errors}' nested path ({@link #nested}), so that each group checks its own
 * fields.
 */
final class SidecarPropertyChecks {

	private SidecarPropertyChecks() {
	}

	/** Runs a group's checks under its path ({@code app}). */
	static void nested(Errors errors, String path, Consumer<Errors> checks) {
		errors.pushNestedPath(path);
		try {
			checks.accept(errors);
		}
		finally {
			errors.popNestedPath();
		}
	}

	static void requirePort(Errors errors, String field, int port) {
		if (port < 0 || port > 65535) {
			errors.rejectValue(field, "invalid", "must be a port between 0 and 65535");
		}
	}

	static void requirePath(Errors errors, String field, String path) {
		if (path == null || !path.startsWith("/")) {
			errors.rejectValue(field, "invalid", "must be a path starting with /");
		}
	}

	static void requirePositive(Errors errors, String field, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			errors.rejectValue(field, "invalid", "must be a positive duration");
		}
	}

}

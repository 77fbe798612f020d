package dev.bus.autoconfigure;

import org.springframework.core.env.Environment;

/**
 * The application's name wherever Bus needs one and the user gave none of its own: the
 * CloudEvents source ({@code /<name>}), the AsyncAPI title, the traces' service name. One
 * fallback for all, so an unnamed application is the same "application" in its messages,
 * its contract and its traces. (A listener group has no fallback: a shared queue named
 * for no application would mix applications, so an unnamed group fails start-up.)
 */
final class ApplicationName {

	/** The name of an application without {@code spring.application.name}. */
	static final String FALLBACK = "application";

	private ApplicationName() {
	}

	/** {@code spring.application.name}, or {@value #FALLBACK}. */
	static String of(Environment environment) {
		return environment.getProperty("spring.application.name", FALLBACK);
	}

}

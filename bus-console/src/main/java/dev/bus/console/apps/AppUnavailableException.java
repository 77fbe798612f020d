package dev.bus.console.apps;

import dev.bus.console.consul.BusInstance;

/**
 * An app that did not answer, or refused: the page says so for that app and goes on with
 * the others.
 */
public class AppUnavailableException extends RuntimeException {

	public AppUnavailableException(BusInstance instance, String what, Throwable cause) {
		super(instance.service() + " (" + instance.id() + ") " + what, cause);
	}

}

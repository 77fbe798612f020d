package dev.bus.console.failures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.bus.console.ConsoleProperties;
import dev.bus.console.apps.AppActuator;
import dev.bus.console.apps.AppUnavailableException;
import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.Fleet;
import dev.bus.core.operations.DeadLetter;
import dev.bus.core.operations.DeadLetterListing;
import dev.bus.core.sidecar.BusEndpointBody;

/**
 * Reads the dead letters of every service through its app (one instance per service: a
 * group's dead-letter queue is the service's, whichever instance lists it) and groups
 * them by listener, topic, reason and exception class, as NServiceBus's ServicePulse
 * groups failed messages. A service that does not answer is a problem in the report,
 * never a blank page.
 */
public class FailedMessages {

	private final AppActuator apps;

	private final RetriedMessages retried;

	private final ConsoleProperties properties;

	public FailedMessages(AppActuator apps, RetriedMessages retried, ConsoleProperties properties) {
		this.apps = apps;
		this.retried = retried;
		this.properties = properties;
	}

	public FailureReport report(Fleet fleet) {
		List<String> problems = new ArrayList<>();
		if (fleet.problem() != null) {
			problems.add(fleet.problem());
		}
		Map<List<Object>, List<FailureGroup.Failed>> grouped = new LinkedHashMap<>();
		long waiting = 0;
		for (Fleet.BusService service : fleet.services()) {
			BusInstance instance = service.spokesman();
			if (instance == null) {
				continue;
			}
			try {
				BusEndpointBody body = this.apps.bus(instance);
				for (BusEndpointBody.Listener listener : body.listeners()) {
					if (listener.deadLetters() == 0) {
						continue;
					}
					DeadLetterListing listing = this.apps.deadLetters(instance, listener.id(),
							this.properties.deadLettersShown());
					waiting += Math.max(0, listing.waiting());
					for (DeadLetter letter : listing.deadLetters()) {
						List<Object> key = java.util.Arrays.asList(service.name(), listener.id(), letter.topic(),
								letter.reason(), letter.exception());
						grouped.computeIfAbsent(key, (k) -> new ArrayList<>())
							.add(failed(service.name(), listener.id(), letter));
					}
				}
			}
			catch (AppUnavailableException ex) {
				problems.add(ex.getMessage());
			}
		}
		List<FailureGroup> groups = new ArrayList<>();
		grouped.forEach((key,
				messages) -> groups.add(new FailureGroup((String) key.get(0), (String) key.get(1), (String) key.get(2),
						(String) key.get(3), (String) key.get(4), earliest(messages), latest(messages),
						List.copyOf(messages))));
		groups.sort(Comparator.comparingInt(FailureGroup::count).reversed());
		return new FailureReport(groups, waiting, problems);
	}

	private FailureGroup.Failed failed(String service, String listener, DeadLetter letter) {
		boolean again = this.retried.wasRetried(service, listener, letter.messageId());
		String trace = (letter.traceId() != null) ? this.properties.traceLink(letter.traceId()) : null;
		return new FailureGroup.Failed(letter, again, trace);
	}

	private static String earliest(List<FailureGroup.Failed> messages) {
		return messages.stream()
			.map((failed) -> failed.deadLetter().firstFailure())
			.filter(Objects::nonNull)
			.min(Comparator.naturalOrder())
			.orElse(null);
	}

	private static String latest(List<FailureGroup.Failed> messages) {
		return messages.stream()
			.map((failed) -> failed.deadLetter().lastFailure())
			.filter(Objects::nonNull)
			.max(Comparator.naturalOrder())
			.orElse(null);
	}

}

package dev.bus.console.failures;

import java.time.Clock;
import java.util.List;

import dev.bus.console.apps.AppActuator;
import dev.bus.console.apps.AppActuator.Selection;
import dev.bus.console.apps.AppUnavailableException;
import dev.bus.console.audit.ConsoleAudit;
import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.Fleet;
import dev.bus.core.operations.DiscardResult;
import dev.bus.core.operations.ReplayResult;

/**
 * What an operator does to failed messages: retry or discard one, a selection or a whole
 * group, always through the owning app's {@code bus} endpoint, and audited with its
 * result. A message that is no longer in its dead-letter queue (retried or discarded
 * elsewhere since the page was drawn) is reported as such: the app replays by id, so it
 * is never sent twice.
 */
public class FailureActions {

	private final AppActuator apps;

	private final RetriedMessages retried;

	private final ConsoleAudit audit;

	private final Clock clock;

	public FailureActions(AppActuator apps, RetriedMessages retried, ConsoleAudit audit, Clock clock) {
		this.apps = apps;
		this.retried = retried;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * Retries the given messages of a group, or the whole group when none are given.
	 * @param who the operator
	 * @param report the report the group was drawn from
	 * @param group the group
	 * @param messageIds the chosen messages, or empty for all of the group
	 * @param fleet where the group's service is
	 * @return what happened, in words
	 */
	public Outcome retry(String who, FailureReport report, FailureGroup group, List<String> messageIds, Fleet fleet) {
		return act(who, "retry", report, group, messageIds, fleet, (instance, selection) -> {
			ReplayResult result = this.apps.replay(instance, group.listener(), selection);
			if (result.replayed() > 0) {
				// a group's replay takes the group's messages: each is marked if it comes
				// back
				List<String> ids = (selection.messageId() != null) ? List.of(selection.messageId())
						: group.messages().stream().map((failed) -> failed.deadLetter().messageId()).toList();
				ids.forEach((id) -> this.retried.retried(group.service(), group.listener(), id, this.clock.instant()));
			}
			return new int[] { result.replayed(), result.refused() };
		});
	}

	/** Discards the given messages of a group, or the whole group when none are given. */
	public Outcome discard(String who, FailureReport report, FailureGroup group, List<String> messageIds, Fleet fleet) {
		return act(who, "discard", report, group, messageIds, fleet, (instance, selection) -> {
			DiscardResult result = this.apps.discard(instance, group.listener(), selection);
			return new int[] { result.discarded(), 0 };
		});
	}

	private Outcome act(String who, String action, FailureReport report, FailureGroup group, List<String> messageIds,
			Fleet fleet, Operation operation) {
		String target = group.service() + "/" + group.listener() + " " + describe(group, messageIds);
		BusInstance instance = fleet.services()
			.stream()
			.filter((service) -> service.name().equals(group.service()))
			.map(Fleet.BusService::spokesman)
			.findFirst()
			.orElse(null);
		if (instance == null) {
			Outcome outcome = Outcome.failed(group.service() + " has no instance in Consul to act through");
			this.audit.record(who, action, target, outcome.message());
			return outcome;
		}
		List<String> ids = (messageIds.isEmpty() && !wholeListenerGroup(report, group))
				? group.messages().stream().map((failed) -> failed.deadLetter().messageId()).toList() : messageIds;
		int done = 0;
		int refused = 0;
		int gone = 0;
		try {
			if (ids.isEmpty()) {
				int[] counts = operation.apply(instance, new Selection(null, group.reason(), group.exception()));
				done += counts[0];
				refused += counts[1];
			}
			else {
				for (String id : ids) {
					int[] counts = operation.apply(instance, Selection.message(id));
					done += counts[0];
					refused += counts[1];
					gone += (counts[0] == 0 && counts[1] == 0) ? 1 : 0;
				}
			}
		}
		catch (AppUnavailableException ex) {
			Outcome outcome = Outcome.failed(ex.getMessage() + " after " + done + " " + past(action));
			this.audit.record(who, action, target, outcome.message());
			return outcome;
		}
		StringBuilder message = new StringBuilder().append(done).append(' ').append(past(action));
		if (refused > 0) {
			message.append(", ").append(refused).append(" refused by the app (not dead-lettered by it)");
		}
		if (gone > 0) {
			message.append(", ")
				.append(gone)
				.append(" no longer in the dead-letter queue (retried or discarded elsewhere): not sent again");
		}
		Outcome outcome = new Outcome(refused == 0 && gone == 0 && done > 0, message.toString());
		this.audit.record(who, action, target, outcome.message());
		return outcome;
	}

	/**
	 * Whether the group holds every dead letter of its listener with its reason and
	 * exception, so that the app's own group selection takes exactly the group (a
	 * wildcard listener's other topics with the same cause would be taken too,
	 * otherwise).
	 */
	private static boolean wholeListenerGroup(FailureReport report, FailureGroup group) {
		return report.groups()
			.stream()
			.noneMatch((other) -> other != group && other.service().equals(group.service())
					&& other.listener().equals(group.listener())
					&& java.util.Objects.equals(other.reason(), group.reason())
					&& java.util.Objects.equals(other.exception(), group.exception()));
	}

	private static String describe(FailureGroup group, List<String> messageIds) {
		if (!messageIds.isEmpty()) {
			return "messages " + String.join(", ", messageIds);
		}
		return "group topic=" + group.topic() + " reason=" + group.reason() + " exception=" + group.exception();
	}

	private static String past(String action) {
		return "retry".equals(action) ? "retried" : "discarded";
	}

	@FunctionalInterface
	private interface Operation {

		/** Acts on a selection; returns {done, refused}. */
		int[] apply(BusInstance instance, Selection selection);

	}

	/**
	 * What came of an action.
	 *
	 * @param succeeded whether all of it was done
	 * @param message what happened, in words
	 */
	public record Outcome(boolean succeeded, String message) {

		static Outcome failed(String message) {
			return new Outcome(false, message);
		}

	}

}

package dev.bus.test.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.bus.test.history.History.Event;
import dev.bus.test.history.History.Kind;
import dev.bus.test.history.History.Outcome;

/**
 * Checks a {@link History} against what Bus promises when the network fails, for every
 * listener group that subscribed to the published topic:
 * <ul>
 * <li>every message the broker confirmed is delivered (none lost);</li>
 * <li>nothing is delivered that was never published, nor a message whose every attempt
 * failed before reaching the broker;</li>
 * <li>a group whose listener is idempotent (the inbox) is handed each message once; other
 * groups may see duplicates (at-least-once), which are counted;</li>
 * <li>after each heal, every group is handed a message again within {@code resumeBound}
 * (when anything was published after it).</li>
 * </ul>
 * Small on purpose: the histories are a few thousand messages of one topic and the rules
 * are these four, so a set per rule is all it takes ({@code HistoryCheckerTest} feeds it
 * histories that must fail).
 */
public final class HistoryChecker {

	private static final int SHOWN = 5;

	private final Set<String> groups;

	private final Set<String> idempotentGroups;

	private final Duration resumeBound;

	/**
	 * @param groups every listener group subscribed to the topic (a group that got
	 * nothing is one that lost everything)
	 * @param idempotentGroups those of them whose listener goes through the inbox
	 * @param resumeBound how soon after a heal each group must be handed messages again
	 */
	public HistoryChecker(Set<String> groups, Set<String> idempotentGroups, Duration resumeBound) {
		this.groups = groups;
		this.idempotentGroups = idempotentGroups;
		this.resumeBound = resumeBound;
	}

	public Verdict check(History history) {
		return check(history.events());
	}

	public Verdict check(List<Event> events) {
		Map<String, List<Outcome>> attempts = new HashMap<>();
		Map<Outcome, Integer> outcomes = new LinkedHashMap<>();
		List<Long> heals = new ArrayList<>();
		long lastInvoke = -1;
		for (Event event : events) {
			if (event.kind() == Kind.INVOKE) {
				attempts.computeIfAbsent(event.id(), (id) -> new ArrayList<>());
				lastInvoke = event.nanos();
			}
			else if (event.kind() == Kind.COMPLETE) {
				attempts.computeIfAbsent(event.id(), (id) -> new ArrayList<>()).add(event.outcome());
				outcomes.merge(event.outcome(), 1, Integer::sum);
			}
			else if (event.isMark(History.HEAL)) {
				heals.add(event.nanos());
			}
		}
		Set<String> confirmed = new HashSet<>();
		Set<String> neverSent = new HashSet<>();
		attempts.forEach((id, results) -> {
			if (results.contains(Outcome.CONFIRMED)) {
				confirmed.add(id);
			}
			else if (!results.isEmpty() && results.stream().allMatch((outcome) -> outcome == Outcome.FAILED)) {
				neverSent.add(id);
			}
		});
		List<String> violations = new ArrayList<>();
		if (confirmed.isEmpty()) {
			violations.add("no message was confirmed: the history proves nothing");
		}
		List<GroupFigures> figures = new ArrayList<>();
		for (String group : this.groups) {
			figures
				.add(checkGroup(group, events, attempts.keySet(), confirmed, neverSent, heals, lastInvoke, violations));
		}
		return new Verdict(attempts.size(), outcomes, confirmed.size(), figures, violations);
	}

	private GroupFigures checkGroup(String group, List<Event> events, Set<String> attempted, Set<String> confirmed,
			Set<String> neverSent, List<Long> heals, long lastInvoke, List<String> violations) {
		Map<String, Integer> deliveries = new HashMap<>();
		List<Long> times = new ArrayList<>();
		for (Event event : events) {
			if (event.kind() == Kind.DELIVER && event.group().equals(group)) {
				deliveries.merge(event.id(), 1, Integer::sum);
				times.add(event.nanos());
			}
		}
		Set<String> lost = new TreeSet<>(confirmed);
		lost.removeAll(deliveries.keySet());
		if (!lost.isEmpty()) {
			violations.add(group + ": " + lost.size() + " confirmed messages never delivered, e.g. " + first(lost));
		}
		Set<String> phantoms = new TreeSet<>(deliveries.keySet());
		phantoms.removeAll(attempted);
		if (!phantoms.isEmpty()) {
			violations.add(group + ": " + phantoms.size() + " messages delivered that were never published, e.g. "
					+ first(phantoms));
		}
		Set<String> failedButDelivered = new TreeSet<>(neverSent);
		failedButDelivered.retainAll(deliveries.keySet());
		if (!failedButDelivered.isEmpty()) {
			violations.add(group + ": " + failedButDelivered.size()
					+ " messages delivered whose every publish failed before the broker, e.g. "
					+ first(failedButDelivered));
		}
		int duplicates = deliveries.values().stream().mapToInt((count) -> count - 1).sum();
		if (duplicates > 0 && this.idempotentGroups.contains(group)) {
			Set<String> twice = new TreeSet<>();
			deliveries.forEach((id, count) -> {
				if (count > 1) {
					twice.add(id);
				}
			});
			violations
				.add(group + ": " + duplicates + " duplicates handed to an idempotent listener, e.g. " + first(twice));
		}
		List<Duration> resumes = new ArrayList<>();
		for (long heal : heals) {
			Long next = times.stream().filter((time) -> time > heal).min(Long::compare).orElse(null);
			if (next != null) {
				Duration resume = Duration.ofNanos(next - heal);
				resumes.add(resume);
				if (resume.compareTo(this.resumeBound) > 0) {
					violations.add(group + ": handed a message " + resume.toMillis() + " ms after the heal, more than "
							+ this.resumeBound.toMillis() + " ms");
				}
			}
			else if (lastInvoke > heal) {
				violations.add(group + ": handed nothing after the heal, though messages were published after it");
			}
		}
		return new GroupFigures(group, deliveries.size(), duplicates, lost.size(), resumes, longestGap(times));
	}

	private static Duration longestGap(List<Long> times) {
		times.sort(null);
		long longest = 0;
		for (int i = 1; i < times.size(); i++) {
			longest = Math.max(longest, times.get(i) - times.get(i - 1));
		}
		return Duration.ofNanos(longest);
	}

	private static String first(Set<String> ids) {
		return String.join(", ", ids.stream().limit(SHOWN).toList()) + ((ids.size() > SHOWN) ? ", …" : "");
	}

	/** What one group was handed. */
	public record GroupFigures(String group, int distinct, int duplicates, int lost, List<Duration> resumedAfterHeal,
			Duration longestGap) {

		@Override
		public String toString() {
			return this.group + ": " + this.distinct + " distinct, " + this.duplicates + " duplicates, " + this.lost
					+ " lost, resumed " + millis(this.resumedAfterHeal) + " after the heal, longest pause "
					+ this.longestGap.toMillis() + " ms";
		}

		private static String millis(List<Duration> durations) {
			return durations.isEmpty() ? "-"
					: String.join("/", durations.stream().map((duration) -> duration.toMillis() + " ms").toList());
		}

	}

	/** The checker's verdict and the figures it read off the history. */
	public record Verdict(int messages, Map<Outcome, Integer> attempts, int confirmed, List<GroupFigures> groups,
			List<String> violations) {

		public boolean valid() {
			return this.violations.isEmpty();
		}

		/** One line for the test's output: the verdict, then the figures. */
		@Override
		public String toString() {
			return (valid() ? "VALID" : "INVALID " + this.violations) + "; " + this.messages + " messages, attempts "
					+ this.attempts + ", " + this.confirmed + " confirmed; "
					+ String.join("; ", this.groups.stream().map(GroupFigures::toString).toList());
		}

	}

}

package dev.bus.test.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.bus.BusPublishException;
import dev.bus.test.history.History.Event;
import dev.bus.test.history.History.Kind;
import dev.bus.test.history.History.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partition tests' checker, fed histories written by hand: the ones that break a
 * promise must fail it, naming what broke; the ones at-least-once allows must pass.
 */
class HistoryCheckerTest {

	private static final long SECOND = 1_000_000_000L;

	private final HistoryChecker checker = new HistoryChecker(Set.of("plain", "inbox"), Set.of("inbox"),
			Duration.ofSeconds(5));

	private final List<Event> events = new ArrayList<>();

	@Test
	void aCleanHistoryIsValid() {
		publish(1, "m1", Outcome.CONFIRMED);
		deliver(2, "plain", "m1");
		deliver(2, "inbox", "m1");
		HistoryChecker.Verdict verdict = check();
		assertThat(verdict.valid()).as(verdict.toString()).isTrue();
		assertThat(verdict.confirmed()).isEqualTo(1);
	}

	@Test
	void aConfirmedMessageNeverDeliveredIsLost() {
		publish(1, "m1", Outcome.CONFIRMED);
		publish(1, "m2", Outcome.CONFIRMED);
		deliver(2, "plain", "m1");
		deliver(2, "plain", "m2");
		deliver(2, "inbox", "m1");
		assertThat(check().violations()).containsExactly("inbox: 1 confirmed messages never delivered, e.g. m2");
	}

	@Test
	void aDeliveryOfWhatWasNeverPublishedIsAPhantom() {
		publish(1, "m1", Outcome.CONFIRMED);
		deliverEverywhere(2, "m1");
		deliver(2, "plain", "ghost");
		assertThat(check().violations())
			.containsExactly("plain: 1 messages delivered that were never published, e.g. ghost");
	}

	@Test
	void aMessageWhoseEveryAttemptFailedBeforeTheBrokerMustNotArrive() {
		publish(1, "m1", Outcome.CONFIRMED);
		publish(1, "m2", Outcome.FAILED);
		deliverEverywhere(2, "m1");
		deliver(2, "plain", "m2");
		assertThat(check().violations()).singleElement().asString().contains("plain: 1 messages delivered whose every");
	}

	@Test
	void duplicatesPassAPlainListenerAndFailAnIdempotentOne() {
		publish(1, "m1", Outcome.CONFIRMED);
		deliverEverywhere(2, "m1");
		deliver(3, "plain", "m1");
		HistoryChecker.Verdict plainTwice = check();
		assertThat(plainTwice.valid()).as(plainTwice.toString()).isTrue();
		assertThat(plainTwice.groups().get(0).duplicates() + plainTwice.groups().get(1).duplicates()).isEqualTo(1);
		deliver(3, "inbox", "m1");
		assertThat(check().violations())
			.containsExactly("inbox: 1 duplicates handed to an idempotent listener, e.g. m1");
	}

	@Test
	void unknownAndNackedOutcomesMayOrMayNotArrive() {
		publish(1, "m1", Outcome.CONFIRMED);
		publish(1, "m2", Outcome.UNKNOWN);
		publish(1, "m3", Outcome.NACKED);
		publish(1, "m4", Outcome.UNKNOWN);
		deliverEverywhere(2, "m1");
		deliverEverywhere(2, "m2");
		deliverEverywhere(2, "m3");
		HistoryChecker.Verdict verdict = check();
		assertThat(verdict.valid()).as(verdict.toString()).isTrue();
		assertThat(verdict.attempts()).containsEntry(Outcome.UNKNOWN, 2).containsEntry(Outcome.NACKED, 1);
	}

	@Test
	void aMessageRetriedUntilConfirmedMustArrive() {
		publish(1, "m1", Outcome.UNKNOWN);
		publish(2, "m1", Outcome.CONFIRMED);
		deliver(3, "plain", "m1");
		assertThat(check().violations()).containsExactly("inbox: 1 confirmed messages never delivered, e.g. m1");
	}

	@Test
	void consumersMustResumeWithinTheBoundAfterAHeal() {
		publish(1, "m1", Outcome.CONFIRMED);
		deliverEverywhere(2, "m1");
		mark(10, History.HEAL);
		publish(11, "m2", Outcome.CONFIRMED);
		deliver(12, "plain", "m2");
		deliver(17, "inbox", "m2");
		assertThat(check().violations())
			.containsExactly("inbox: handed a message 7000 ms after the heal, more than 5000 ms");
	}

	@Test
	void aGroupHandedNothingAfterTheHealFails() {
		publish(1, "m1", Outcome.CONFIRMED);
		deliverEverywhere(2, "m1");
		mark(10, History.HEAL);
		publish(11, "m2", Outcome.UNKNOWN);
		deliver(12, "plain", "m2");
		assertThat(check().violations())
			.containsExactly("inbox: handed nothing after the heal, though messages were published after it");
	}

	@Test
	void aHistoryWithNothingConfirmedProvesNothing() {
		publish(1, "m1", Outcome.UNKNOWN);
		assertThat(check().violations()).containsExactly("no message was confirmed: the history proves nothing");
	}

	@Test
	void outcomesAreReadOffThePublishFailure() {
		assertThat(Outcome.of(failure(BusPublishException.Reason.NACKED))).isEqualTo(Outcome.NACKED);
		assertThat(Outcome.of(failure(BusPublishException.Reason.TIMEOUT))).isEqualTo(Outcome.UNKNOWN);
		assertThat(Outcome.of(failure(BusPublishException.Reason.CONNECTION_LOST))).isEqualTo(Outcome.UNKNOWN);
		assertThat(Outcome.of(failure(BusPublishException.Reason.UNROUTABLE))).isEqualTo(Outcome.FAILED);
		assertThat(Outcome.of(new java.util.concurrent.CompletionException(failure(BusPublishException.Reason.CLOSED))))
			.isEqualTo(Outcome.FAILED);
		assertThat(Outcome.of(new IllegalStateException("anything else"))).isEqualTo(Outcome.UNKNOWN);
	}

	private static BusPublishException failure(BusPublishException.Reason reason) {
		return new BusPublishException(reason, "t", "m", "test", null);
	}

	private HistoryChecker.Verdict check() {
		return this.checker.check(this.events);
	}

	private void publish(long second, String id, Outcome outcome) {
		this.events.add(new Event(second * SECOND, Kind.INVOKE, id, null, null, null));
		this.events.add(new Event(second * SECOND + 1, Kind.COMPLETE, id, null, outcome, null));
	}

	private void deliver(long second, String group, String id) {
		this.events.add(new Event(second * SECOND + 2, Kind.DELIVER, id, group, null, null));
	}

	private void deliverEverywhere(long second, String id) {
		deliver(second, "plain", id);
		deliver(second, "inbox", id);
	}

	private void mark(long second, String what) {
		this.events.add(new Event(second * SECOND, Kind.MARK, null, null, null, what));
	}

}

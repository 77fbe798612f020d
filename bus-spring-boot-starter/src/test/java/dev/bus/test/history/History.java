package dev.bus.test.history;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletionException;

import dev.bus.BusPublishException;

/**
 * What happened during a fault test, as Jepsen records it: every publish attempt (its
 * invocation, then its outcome), every delivery to a listener group, and the moments the
 * test marked (a fault begun, a network healed), each with the time it happened.
 * Thread-safe: publishers, listeners and the fault thread record into one history, which
 * {@link HistoryChecker} reads once the run is over.
 */
public final class History {

	private final long origin = System.nanoTime();

	private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

	/** A publish attempt of message {@code id} begins. */
	public void invoked(String id) {
		add(new Event(now(), Kind.INVOKE, id, null, null, null));
	}

	/** The publish attempt of message {@code id} ended with {@code outcome}. */
	public void completed(String id, Outcome outcome) {
		add(new Event(now(), Kind.COMPLETE, id, null, outcome, null));
	}

	/** A listener of {@code group} was handed message {@code id}. */
	public void delivered(String group, String id) {
		add(new Event(now(), Kind.DELIVER, id, group, null, null));
	}

	/**
	 * Something the test did: a fault began ({@link #FAULT}), the network healed
	 * ({@link #HEAL}).
	 */
	public void mark(String what, String detail) {
		add(new Event(now(), Kind.MARK, null, null, null, what + ((detail != null) ? ": " + detail : "")));
	}

	/** Every event so far, in the order they happened. */
	public List<Event> events() {
		return this.events.stream().sorted(Comparator.comparingLong(Event::nanos)).toList();
	}

	/**
	 * Adds an event as recorded elsewhere (the checker's tests write histories by hand).
	 */
	public void add(Event event) {
		this.events.add(event);
	}

	private long now() {
		return System.nanoTime() - this.origin;
	}

	/** The mark of a fault's start. */
	public static final String FAULT = "fault";

	/** The mark of the moment every link is whole again. */
	public static final String HEAL = "heal";

	/** What kind of event. */
	public enum Kind {

		INVOKE, COMPLETE, DELIVER, MARK

	}

	/**
	 * How a publish attempt ended, as far as the publisher can know.
	 */
	public enum Outcome {

		/** The broker confirmed it: it must be delivered. */
		CONFIRMED,
		/** The broker refused it (basic.nack): it may be lost, it may not be. */
		NACKED,
		/**
		 * It never left the app, or the broker returned it unrouted: it must not be
		 * delivered.
		 */
		FAILED,
		/**
		 * No answer (a timeout, a connection lost on the way): it may or may not have
		 * arrived.
		 */
		UNKNOWN;

		/** The outcome a publish that completed exceptionally with {@code error} had. */
		public static Outcome of(Throwable error) {
			Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
					: error;
			if (!(cause instanceof BusPublishException publish)) {
				return UNKNOWN;
			}
			return switch (publish.getReason()) {
				case NACKED -> NACKED;
				case TIMEOUT, CONNECTION_LOST -> UNKNOWN;
				default -> FAILED;
			};
		}

	}

	/**
	 * One event: {@code nanos} since the history began; {@code id} the message's id
	 * (publishes and deliveries), {@code group} the listener group (deliveries),
	 * {@code outcome} (completions), {@code mark} what the test marked.
	 */
	public record Event(long nanos, Kind kind, String id, String group, Outcome outcome, String mark) {

		/** Whether this is the mark {@code what} (with or without a detail). */
		public boolean isMark(String what) {
			return this.kind == Kind.MARK && (this.mark.equals(what) || this.mark.startsWith(what + ": "));
		}

	}

}

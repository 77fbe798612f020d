package dev.bus.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.test.history.History;
import dev.bus.test.history.History.Outcome;

import static org.awaitility.Awaitility.await;

/**
 * A careful publisher for the fault tests: a steady rate of messages ({@code id-0},
 * {@code id-1}, ...), each published again with the same id every 200 ms until the broker
 * confirms it, as an app that must not lose a message publishes. Counts the attempts that
 * failed (and were retried) and the messages confirmed, and records every attempt and its
 * outcome in a {@link History}.
 */
public final class ConfirmedLoad {

	/**
	 * How long publishes may stay unconfirmed, retried, before the test fails as stuck.
	 */
	private static final Duration STUCK = Duration.ofSeconds(90);

	private final BusPublisher publisher;

	private final AtomicInteger failedAttempts = new AtomicInteger();

	private final AtomicInteger confirmed = new AtomicInteger();

	private final History history;

	private volatile Function<String, OutboundMessage> message;

	private volatile Throwable lastFailure;

	public ConfirmedLoad(BusPublisher publisher, String topic) {
		this(publisher, topic, new History());
	}

	public ConfirmedLoad(BusPublisher publisher, String topic, History history) {
		this.publisher = publisher;
		this.history = history;
		this.message = (id) -> OutboundMessage.builder(topic, "item").messageId(id).build();
	}

	/**
	 * From now on, publishes (and retries) message {@code id} as {@code message} makes
	 * it: what a publisher's upgrade to a new payload version does.
	 */
	public void publishAs(Function<String, OutboundMessage> message) {
		this.message = message;
	}

	/**
	 * Publishes {@code perSecond} messages a second, at most 500 unconfirmed, until at
	 * least {@code minimum} are sent and {@code fault} is done (so that publishing spans
	 * the fault however long it takes), and at most {@code maximum}; returns how many
	 * were sent once every one of them is confirmed.
	 */
	public int run(int perSecond, int minimum, int maximum, Future<?> fault) {
		SteadyRate rate = new SteadyRate(perSecond);
		Semaphore inFlight = new Semaphore(500);
		List<CompletableFuture<?>> all = new ArrayList<>(minimum);
		int sent = 0;
		for (; (sent < minimum || !fault.isDone()) && sent < maximum; sent++) {
			rate.awaitSlot(sent);
			awaitSlot(inFlight);
			all.add(publishUntilConfirmed("id-" + sent).whenComplete((receipt, error) -> {
				this.confirmed.incrementAndGet();
				inFlight.release();
			}));
		}
		try {
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(STUCK.toSeconds(), TimeUnit.SECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw stuck();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw stuck();
		}
		return sent;
	}

	/**
	 * Runs {@code fault} on a thread of its own once more than {@code confirmed} messages
	 * are confirmed (at most a minute from now); the future completes when the fault is
	 * over, exceptionally if it failed.
	 */
	public CompletableFuture<Void> faultAfter(int confirmed, Fault fault) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				await().atMost(Duration.ofSeconds(60)).until(() -> this.confirmed.get() > confirmed);
				fault.run();
				done.complete(null);
			}
			catch (Exception | AssertionError ex) {
				done.completeExceptionally(ex);
			}
		}, "fault");
		thread.start();
		return done;
	}

	private void awaitSlot(Semaphore inFlight) {
		try {
			if (!inFlight.tryAcquire(STUCK.toSeconds(), TimeUnit.SECONDS)) {
				throw stuck();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw stuck();
		}
	}

	private AssertionError stuck() {
		return new AssertionError("publishes still unconfirmed after " + STUCK.toSeconds() + " s of retries ("
				+ this.confirmed.get() + " confirmed, " + this.failedAttempts.get() + " attempts failed, the last: "
				+ lastFailure() + ")");
	}

	/** Messages the broker has confirmed so far. */
	public int confirmed() {
		return this.confirmed.get();
	}

	/**
	 * Publish attempts that failed (no confirm, a nack, no connection) and were retried.
	 */
	public int failedAttempts() {
		return this.failedAttempts.get();
	}

	/**
	 * Why the last failed attempt failed ({@code null}: none failed), for a test's
	 * report.
	 */
	public String lastFailure() {
		Throwable failure = this.lastFailure;
		return (failure != null) ? failure.getMessage() : null;
	}

	/** What a fault test does to the broker under load. */
	@FunctionalInterface
	public interface Fault {

		void run() throws Exception;

	}

	private CompletableFuture<Void> publishUntilConfirmed(String id) {
		this.history.invoked(id);
		return this.publisher.publish(this.message.apply(id)).thenApply((receipt) -> {
			this.history.completed(id, Outcome.CONFIRMED);
			return (Void) null;
		}).exceptionallyCompose((error) -> {
			this.history.completed(id, Outcome.of(error));
			this.failedAttempts.incrementAndGet();
			this.lastFailure = error;
			return CompletableFuture
				.supplyAsync(() -> null, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
				.thenCompose((ignored) -> publishUntilConfirmed(id));
		});
	}

}

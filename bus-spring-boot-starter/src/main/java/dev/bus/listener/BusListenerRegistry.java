package dev.bus.listener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.SmartLifecycle;

/**
 * Owns one listener container per {@code @BusListener} (spring-amqp's over AMQP, from the
 * {@link ListenerContainerFactory}) and runs them with the application's lifecycle:
 * started after every bean is ready, stopped first on shutdown (before the publisher), so
 * in-flight handlers finish within {@code bus.listener.shutdown-timeout} while they can
 * still publish and dead-letter. Unfinished deliveries are never acked and go back to the
 * queue when the channel closes.
 */
public class BusListenerRegistry implements SmartLifecycle {

	/** Stops before {@link dev.bus.publisher.BusPublisherLifecycle#PHASE}. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private final ListenerContainerFactory containers;

	private final BusTopology topology;

	private final Map<String, Registration> registrations = new LinkedHashMap<>();

	private volatile boolean running;

	/**
	 * Paused listeners by id: why, by cause (a listener stays paused while any cause
	 * holds).
	 */
	private final Map<String, Map<String, String>> paused = new LinkedHashMap<>();

	public BusListenerRegistry(ListenerContainerFactory containers, BusTopology topology) {
		this.containers = containers;
		this.topology = topology;
	}

	/**
	 * Registers a listener and its queues; a listener that would share its queue with
	 * another one fails, since the two would split messages between them rather than each
	 * get all of them.
	 */
	public synchronized void register(BusListenerDefinition listener, BusMessageListener messageListener) {
		for (Registration existing : this.registrations.values()) {
			if (existing.definition.queue().equals(listener.queue())) {
				throw new IllegalStateException(
						"Invalid @BusListener method " + listener.method().describe() + ": it would share queue '"
								+ listener.queue() + "' with " + existing.definition.method().describe()
								+ " and the two would split messages; give one " + "of them a different group");
			}
			if (existing.definition.id().equals(listener.id())) {
				throw new IllegalStateException(
						"Invalid @BusListener method " + listener.method().describe() + ": listener id '"
								+ listener.id() + "' is already used by " + existing.definition.method().describe());
			}
		}
		this.topology.addListener(listener);
		Registration registration = new Registration(listener, this.containers.create(listener, messageListener));
		this.registrations.put(listener.id(), registration);
		if (this.running) {
			// A listener on a bean created after start-up: declare its queues and start
			// consuming now.
			this.topology.declare();
			registration.container.start();
		}
	}

	@Override
	public synchronized void start() {
		this.topology.declare();
		this.registrations.values()
			.stream()
			.filter((registration) -> !this.paused.containsKey(registration.definition().id()))
			.forEach((registration) -> registration.container.start());
		this.running = true;
	}

	/**
	 * Pauses a listener for a cause: its consumers stop taking deliveries and those in
	 * flight finish (up to the shutdown timeout); the queue keeps the rest for the
	 * group's other instances, or for later.
	 * @param cause what pauses it ({@code health}, {@code maintenance}), which
	 * {@link #resume} names
	 * @param because why, for the {@code bus} endpoint and health
	 */
	public void pause(String id, String cause, String because) {
		Registration registration;
		synchronized (this) {
			registration = this.registrations.get(id);
			if (registration == null) {
				return;
			}
			Map<String, String> causes = this.paused.computeIfAbsent(id, (key) -> new LinkedHashMap<>());
			boolean wasRunning = causes.isEmpty();
			causes.put(cause, because);
			if (!wasRunning) {
				return;
			}
		}
		registration.container().stop();
	}

	/**
	 * Lifts a cause of a pause; the listener resumes (when the registry runs) once no
	 * cause is left.
	 */
	public void resume(String id, String cause) {
		Registration registration;
		synchronized (this) {
			registration = this.registrations.get(id);
			Map<String, String> causes = this.paused.get(id);
			if (registration == null || causes == null || causes.remove(cause) == null || !causes.isEmpty()) {
				return;
			}
			this.paused.remove(id);
			if (!this.running) {
				return;
			}
		}
		registration.container().start();
	}

	/** Whether a cause pauses the listener. */
	public synchronized boolean isPausedFor(String id, String cause) {
		Map<String, String> causes = this.paused.get(id);
		return causes != null && causes.containsKey(cause);
	}

	/**
	 * What a listener is doing, as health and the {@code bus} endpoint show it:
	 * {@code consuming}, {@code waiting-for-broker}, {@code stopped}, or
	 * {@code paused: <why>}.
	 */
	public String state(Registration registration) {
		String paused = pausedBecause(registration.definition().id());
		if (paused != null) {
			return "paused: " + paused;
		}
		if (!registration.container().isRunning()) {
			return "stopped";
		}
		return (registration.activeConsumers() > 0) ? "consuming" : "waiting-for-broker";
	}

	/** Why the listener is paused, or {@code null} when it is not. */
	public synchronized String pausedBecause(String id) {
		Map<String, String> causes = this.paused.get(id);
		return (causes != null) ? String.join("; ", causes.values()) : null;
	}

	/**
	 * Stops every container at once (each on its own task executor, through spring-amqp's
	 * asynchronous stop), so the shutdown timeout applies once, not once per listener;
	 * {@code callback} runs when all have stopped.
	 */
	@Override
	public void stop(Runnable callback) {
		List<Registration> stopping = registrations();
		if (stopping.isEmpty()) {
			this.running = false;
			callback.run();
			return;
		}
		AtomicInteger left = new AtomicInteger(stopping.size());
		for (Registration registration : stopping) {
			registration.container.stop(() -> {
				if (left.decrementAndGet() == 0) {
					this.running = false;
					callback.run();
				}
			});
		}
	}

	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** Registered listeners with their containers, in registration order. */
	public synchronized List<Registration> registrations() {
		return Collections.unmodifiableList(new ArrayList<>(this.registrations.values()));
	}

	/** The registered listeners' definitions, in registration order. */
	public List<BusListenerDefinition> definitions() {
		return registrations().stream().map(Registration::definition).toList();
	}

	/** The listener with this id, or {@code null}. */
	public synchronized Registration find(String id) {
		return this.registrations.get(id);
	}

	/** A listener and the container running it. */
	public record Registration(BusListenerDefinition definition, ListenerContainer container) {

		/** Consumers of this listener that are subscribed to its queue right now. */
		public int activeConsumers() {
			return this.container.activeConsumers();
		}

		/** Messages this listener has settled whose grouped ack has not gone out yet. */
		public int pendingAcks() {
			return this.container.pendingAcks();
		}

	}

	/** Consumers per listener: {@code "n"} or {@code "min-max"}. */
	public record Concurrency(int min, int max) {

		/**
		 * Parses a concurrency setting.
		 * @throws IllegalArgumentException when it is not a positive number or a range
		 */
		public static Concurrency parse(String value) {
			try {
				String[] parts = value.trim().split("-", 2);
				int min = Integer.parseInt(parts[0].trim());
				int max = (parts.length == 2) ? Integer.parseInt(parts[1].trim()) : min;
				if (min < 1 || max < min) {
					throw new NumberFormatException();
				}
				return new Concurrency(min, max);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(
						"concurrency '" + value + "' must be a positive number or a range 'min-max'");
			}
		}

	}

}

package dev.bus.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.transport.EnvelopeSender;

/**
 * Publishes committed outbox rows and deletes them once the broker has confirmed them.
 *
 * <p>
 * Each pass locks the oldest rows with {@code FOR UPDATE SKIP LOCKED}, so relays in
 * several instances share the work without sending a row twice; publishes them all with
 * confirms; and deletes the confirmed ones in the same transaction. A crash between
 * confirm and commit resends those rows: at-least-once, which idempotent listeners
 * absorb. Rows whose publish fails stay for the next pass. Passes run every
 * {@code interval} and, on this instance, right after a transaction that wrote to the
 * outbox commits, so latency from commit to confirm is one round trip rather than a poll
 * interval. With the database down a pass fails, is logged, and the next one tries again:
 * nothing is lost.
 */
public class OutboxRelay implements SmartLifecycle {

	/**
	 * Stops after the listeners and after Spring Boot's web server graceful shutdown
	 * ({@code SmartLifecycle.DEFAULT_PHASE - 1024}), both of which may still write to the
	 * outbox, and before the publisher its last pass sends through.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 1100;

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private final JdbcOutbox outbox;

	private final TransactionTemplate transactions;

	private final EnvelopeSender publisher;

	private final String exchange;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private final int batchSize;

	private final Duration confirmTimeout;

	private final OutboxObserver observer;

	private final Object passLock = new Object();

	private final AtomicBoolean wakeScheduled = new AtomicBoolean();

	private volatile ScheduledFuture<?> poll;

	public OutboxRelay(JdbcOutbox outbox, TransactionTemplate transactions, EnvelopeSender publisher, String exchange,
			TaskScheduler scheduler, Duration interval, int batchSize, Duration confirmTimeout,
			OutboxObserver observer) {
		this.outbox = outbox;
		this.transactions = transactions;
		this.publisher = publisher;
		this.exchange = exchange;
		this.scheduler = scheduler;
		this.interval = interval;
		this.batchSize = batchSize;
		this.confirmTimeout = confirmTimeout;
		this.observer = observer;
	}

	/** Asks for a pass now (coalesced: many commits in a burst cause one extra pass). */
	public void wake() {
		if (this.poll != null && this.wakeScheduled.compareAndSet(false, true)) {
			this.scheduler.schedule(() -> {
				this.wakeScheduled.set(false);
				drain();
			}, Instant.now());
		}
	}

	/** Relays until the outbox is empty or a pass sends less than a full batch. */
	public void drain() {
		synchronized (this.passLock) {
			try {
				int sent;
				do {
					sent = relayOnce();
				}
				while (sent == this.batchSize);
			}
			catch (RuntimeException ex) {
				this.observer.passFailed(ex);
				logger.warn("Outbox relay pass failed, retrying in " + this.interval + ": " + ex.getMessage());
			}
		}
	}

	private int relayOnce() {
		Integer sent = this.transactions.execute((status) -> {
			List<JdbcOutbox.Row> rows = this.outbox.lockOldest(this.batchSize);
			if (rows.isEmpty()) {
				return 0;
			}
			List<CompletableFuture<Void>> confirms = new ArrayList<>(rows.size());
			for (JdbcOutbox.Row row : rows) {
				confirms.add(this.publisher.send(this.exchange, row.envelope()));
			}
			List<JdbcOutbox.Row> confirmed = new ArrayList<>(rows.size());
			for (int i = 0; i < rows.size(); i++) {
				JdbcOutbox.Row row = rows.get(i);
				try {
					confirms.get(i).get(this.confirmTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
					confirmed.add(row);
					this.observer.relayed(row.envelope().topic(), Duration.between(row.createdAt(), Instant.now()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				catch (Exception ex) {
					logger.warn("Outbox message " + row.envelope().messageId() + " to topic '" + row.envelope().topic()
							+ "' not confirmed, kept for the next pass: " + ex.getMessage());
				}
			}
			if (!confirmed.isEmpty()) {
				this.outbox.delete(confirmed);
			}
			return confirmed.size();
		});
		return (sent != null) ? sent : 0;
	}

	@Override
	public void start() {
		this.poll = this.scheduler.scheduleWithFixedDelay(this::drain, this.interval);
	}

	/**
	 * Stops polling, then relays what is left (bounded by the confirm timeout per pass).
	 */
	@Override
	public void stop() {
		ScheduledFuture<?> current = this.poll;
		this.poll = null;
		if (current != null) {
			current.cancel(false);
			drain();
		}
	}

	@Override
	public boolean isRunning() {
		return this.poll != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

package dev.bus.inbox;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Deletes JDBC inbox rows past the retention, periodically, for as long as the application runs.
 */
public class InboxCleaner implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(InboxCleaner.class);

	private final JdbcInbox inbox;

	private final TaskScheduler scheduler;

	private final Duration retention;

	private final Duration interval;

	private ScheduledFuture<?> task;

	public InboxCleaner(JdbcInbox inbox, TaskScheduler scheduler, Duration retention, Duration interval) {
		this.inbox = inbox;
		this.scheduler = scheduler;
		this.retention = retention;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		this.task = this.scheduler.scheduleWithFixedDelay(this::clean, this.interval);
	}

	private void clean() {
		try {
			int deleted = this.inbox.deleteOlderThan(this.retention);
			if (deleted > 0 && logger.isDebugEnabled()) {
				logger.debug("Deleted " + deleted + " inbox rows older than " + this.retention);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Inbox cleanup failed, will try again in " + this.interval + ": " + ex.getMessage());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.task != null) {
			this.task.cancel(false);
			this.task = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.task != null;
	}

}

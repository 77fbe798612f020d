package dev.bus.support;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Runs a piece of upkeep every {@code interval} on Bus's scheduler for as long as the
 * application runs (the inbox's cleanup, the keysets' reload). A run that fails is logged
 * in one line and the next one comes as planned: a scheduler drops a periodic task whose
 * run throws, which would stop the upkeep silently.
 */
public class PeriodicTask implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PeriodicTask.class);

	private final String name;

	private final Runnable task;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private ScheduledFuture<?> scheduled;

	/**
	 * @param name what it does, for the log line of a failed run
	 */
	public PeriodicTask(String name, Runnable task, TaskScheduler scheduler, Duration interval) {
		this.name = name;
		this.task = task;
		this.scheduler = scheduler;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.scheduled == null) {
			this.scheduled = this.scheduler.scheduleWithFixedDelay(this::runOnce, this.interval);
		}
	}

	private void runOnce() {
		try {
			this.task.run();
		}
		catch (RuntimeException ex) {
			logger.warn(this.name + " failed, will try again in " + this.interval + ": " + ex.getMessage());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduled != null) {
			this.scheduled.cancel(false);
			this.scheduled = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduled != null;
	}

}

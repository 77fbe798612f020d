package dev.bus.crypto;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Reloads the keysets every {@code interval} on Bus's scheduler, so that a rotation rolled out by updating the
 * mounted secret takes effect without a restart. Kubernetes replaces a mounted secret by swapping a symlink, which
 * file-watch events miss: reading a few small files on a timer is the reliable way to notice.
 */
public class KeysetReloader implements SmartLifecycle {

	private final TopicKeysets keysets;

	private final TaskScheduler scheduler;

	private final Duration interval;

	private volatile ScheduledFuture<?> task;

	public KeysetReloader(TopicKeysets keysets, TaskScheduler scheduler, Duration interval) {
		this.keysets = keysets;
		this.scheduler = scheduler;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.task == null) {
			this.task = this.scheduler.scheduleWithFixedDelay(this.keysets::reload, this.interval);
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
	public boolean isRunning() {
		return this.task != null;
	}

}

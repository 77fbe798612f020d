package dev.bus.discovery;

import java.io.IOException;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The app's one loop of long polls on the sidecar, which every view of the sidecar's
 * state runs ({@link SidecarBrokerAddresses}, {@link SidecarRoutingRules}): one poll at a
 * time on a scheduler, the next submitted as soon as a poll answers, or after a back-off
 * (0.5 s, doubling, at most 10 s, for as long as it takes) when the sidecar cannot be
 * reached. No thread sleeps: the scheduler's thread is only busy inside a poll. An outage
 * is logged once, without a stack trace, and its end once; the app goes on with what it
 * last had.
 */
public abstract class SidecarLongPoll implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(SidecarLongPoll.class);

	private static final ExponentialBackOff BACK_OFF = new ExponentialBackOff(500, 2.0);

	static {
		BACK_OFF.setMaxInterval(10_000);
	}

	private final SidecarClient sidecar;

	private final TaskScheduler scheduler;

	private final String what;

	private volatile boolean running;

	/** Only touched by the poll, which never runs twice at once. */
	private BackOffExecution backOff;

	/**
	 * @param sidecar the sidecar polled
	 * @param scheduler where the long polls run
	 * @param what what the app keeps while the sidecar cannot be reached, for the log
	 */
	protected SidecarLongPoll(SidecarClient sidecar, TaskScheduler scheduler, String what) {
		this.sidecar = sidecar;
		this.scheduler = scheduler;
		this.what = what;
	}

	/** One long poll, applying what the sidecar answered. */
	protected abstract void pollOnce() throws IOException, InterruptedException;

	private void poll() {
		if (!this.running) {
			return;
		}
		try {
			pollOnce();
			if (this.backOff != null) {
				log.info("The sidecar at " + this.sidecar.baseUrl() + " answers again");
			}
			this.backOff = null;
			this.scheduler.schedule(this::poll, Instant.now());
		}
		catch (IOException ex) {
			if (this.backOff == null) {
				log.warn("The sidecar at " + this.sidecar.baseUrl() + " cannot be reached ("
						+ ex.getClass().getSimpleName() + "); keeping the last known " + this.what
						+ " and asking again with back-off");
				this.backOff = BACK_OFF.start();
			}
			long delay = this.backOff.nextBackOff();
			log.debug("Sidecar long poll for " + this.what + " failed; retrying in " + delay + " ms", ex);
			this.scheduler.schedule(this::poll, Instant.now().plusMillis(delay));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (TaskRejectedException ex) {
			// The scheduler is shutting down with the application.
		}
	}

	@Override
	public void start() {
		if (!this.running) {
			this.running = true;
			this.scheduler.schedule(this::poll, Instant.now());
		}
	}

	/**
	 * Stops polling; a poll in flight ends with its long poll or when the scheduler is
	 * shut down.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}

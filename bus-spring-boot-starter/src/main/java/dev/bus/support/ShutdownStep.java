package dev.bus.support;

import org.springframework.context.SmartLifecycle;

/**
 * A step of the app's shutdown that nothing needs to start: running from the context's
 * start, it runs {@link #shutdown()} once when its phase stops (a higher phase stops
 * earlier). Spring has no such base, and each of Bus's steps wrote out the same running
 * flag, phase and start.
 */
public abstract class ShutdownStep implements SmartLifecycle {

	private final int phase;

	private volatile boolean running;

	protected ShutdownStep(int phase) {
		this.phase = phase;
	}

	/** The step itself: runs once, on the stopping thread. */
	protected abstract void shutdown();

	@Override
	public final void start() {
		this.running = true;
	}

	@Override
	public final void stop() {
		if (!this.running) {
			return;
		}
		try {
			shutdown();
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	@Override
	public final int getPhase() {
		return this.phase;
	}

}

package dev.bus.publisher;

import java.time.Duration;

import dev.bus.support.ShutdownStep;
import dev.bus.transport.EnvelopeSender;

/**
 * Shuts publishing down last among Bus's parts (a lower phase stops later): after the
 * listeners have stopped, after the web server's graceful shutdown has let in-flight HTTP
 * requests finish (they may publish), and after the outbox relay's last pass. Open
 * batches are sent, outstanding confirms awaited up to the confirm timeout, then the
 * publisher channel is closed.
 */
public class BusPublisherLifecycle extends ShutdownStep {

	/**
	 * Below the listener containers' phase, so in-flight handlers can still publish and
	 * dead-letter; below Spring Boot's web server graceful shutdown
	 * ({@code SmartLifecycle.DEFAULT_PHASE - 1024}), so requests still draining can
	 * publish; below the outbox relay's.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 1200;

	private final EnvelopeSender envelopeSender;

	private final BatchingBusPublisher batchingPublisher;

	private final Duration drainTimeout;

	public BusPublisherLifecycle(EnvelopeSender envelopeSender, BatchingBusPublisher batchingPublisher,
			Duration drainTimeout) {
		super(PHASE);
		this.envelopeSender = envelopeSender;
		this.batchingPublisher = batchingPublisher;
		this.drainTimeout = drainTimeout;
	}

	@Override
	protected void shutdown() {
		if (this.batchingPublisher != null) {
			this.batchingPublisher.flush();
		}
		this.envelopeSender.close(this.drainTimeout);
	}

}

package dev.bus.listener;

/**
 * What runs one listener's consumers for {@link BusListenerRegistry}: spring-amqp's
 * listener container over AMQP ({@link AmqpListenerContainerFactory}), or another
 * transport's, which hands each delivery to {@link BusMessageListener#handle} and settles
 * it as told.
 */
public interface ListenerContainer {

	/** Starts consuming (again, after a stop). */
	void start();

	/**
	 * Stops consuming: deliveries in flight finish (up to the shutdown timeout), then
	 * {@code callback} runs.
	 */
	void stop(Runnable callback);

	/** Stops consuming and waits for the deliveries in flight. */
	void stop();

	boolean isRunning();

	/** Consumers subscribed to the listener's queue right now. */
	int activeConsumers();

	/** Settled deliveries whose grouped acknowledgement has not gone out yet. */
	int pendingAcks();

}

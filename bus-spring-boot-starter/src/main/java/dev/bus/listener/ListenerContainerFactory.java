package dev.bus.listener;

/**
 * Makes the container that runs a listener's consumers: the seam where a transport other
 * than AMQP (the test kit's in-process one) plugs its consumers in. A bean of this type
 * replaces {@link AmqpListenerContainerFactory}.
 */
@FunctionalInterface
public interface ListenerContainerFactory {

	/**
	 * A container, not started, that consumes the listener's queue and hands each
	 * delivery to {@code messageListener}.
	 */
	ListenerContainer create(BusListenerDefinition listener, BusMessageListener messageListener);

}

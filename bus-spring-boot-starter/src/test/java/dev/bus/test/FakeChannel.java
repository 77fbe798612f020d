package dev.bus.test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * An AMQP channel without a broker, for unit tests of what Bus does on a channel: it
 * records publishes, acks and rejects, numbers publishes as a channel in confirm mode
 * does, and lets the test play the broker (confirms, nacks, returns, a channel closing).
 * Any other channel method fails the test.
 */
public final class FakeChannel {

	/** A {@code basic.ack} or {@code basic.reject} the code under test sent. */
	public record Ack(long deliveryTag, boolean multiple, boolean rejected) {
	}

	/** A {@code basic.publish} the code under test sent. */
	public record Published(long sequence, String exchange, String routingKey, AMQP.BasicProperties properties) {
	}

	private final AtomicLong nextSequence = new AtomicLong(1);

	private final List<Ack> acks = new CopyOnWriteArrayList<>();

	private final List<Published> published = new CopyOnWriteArrayList<>();

	private final List<ConfirmListener> confirmListeners = new CopyOnWriteArrayList<>();

	private final List<ReturnListener> returnListeners = new CopyOnWriteArrayList<>();

	private final List<ShutdownListener> shutdownListeners = new CopyOnWriteArrayList<>();

	private volatile boolean open = true;

	private volatile boolean failWrites;

	private final Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(),
			new Class<?>[] { Channel.class }, (proxy, method, args) -> switch (method.getName()) {
				case "confirmSelect" -> null;
				case "isOpen" -> this.open;
				case "getNextPublishSeqNo" -> this.nextSequence.get();
				case "addConfirmListener" -> add(this.confirmListeners, (ConfirmListener) args[0]);
				case "addReturnListener" -> add(this.returnListeners, (ReturnListener) args[0]);
				case "addShutdownListener" -> addShutdownListener((ShutdownListener) args[0]);
				case "basicPublish" -> publish(args);
				case "basicAck" -> write(new Ack((long) args[0], (boolean) args[1], false));
				case "basicReject" -> write(new Ack((long) args[0], false, true));
				case "close" -> {
					close("closed by the application");
					yield null;
				}
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == args[0];
				case "toString" -> "FakeChannel";
				default -> throw new UnsupportedOperationException("FakeChannel does not do " + method.getName());
			});

	public Channel channel() {
		return this.channel;
	}

	public List<Ack> acks() {
		return List.copyOf(this.acks);
	}

	public List<Published> published() {
		return List.copyOf(this.published);
	}

	/** From now on every write fails as on a broken socket. */
	public void failWrites() {
		this.failWrites = true;
	}

	/** The broker confirms. */
	public void ack(long sequence, boolean multiple) throws Exception {
		for (ConfirmListener listener : this.confirmListeners) {
			listener.handleAck(sequence, multiple);
		}
	}

	/** The broker refuses. */
	public void nack(long sequence, boolean multiple) throws Exception {
		for (ConfirmListener listener : this.confirmListeners) {
			listener.handleNack(sequence, multiple);
		}
	}

	/**
	 * The broker returns a mandatory publish nobody could take (before confirming it, as
	 * RabbitMQ does).
	 */
	public void returnPublished(Published publish) throws Exception {
		for (ReturnListener listener : this.returnListeners) {
			listener.handleReturn(312, "NO_ROUTE", publish.exchange(), publish.routingKey(), publish.properties(),
					new byte[0]);
		}
	}

	/** The channel closes (connection lost, or the broker closed it). */
	public void close(String why) {
		closeWith(new ShutdownSignalException(false, false, null, why));
	}

	/**
	 * The broker closes the channel with {@code channel.close(replyCode, replyText)}, as
	 * for a refused publish.
	 */
	public void closeByBroker(int replyCode, String replyText) {
		AMQP.Channel.Close close = new AMQP.Channel.Close.Builder().replyCode(replyCode)
			.replyText(replyText)
			.classId(60)
			.methodId(40)
			.build();
		closeWith(new ShutdownSignalException(false, true, close, null));
	}

	private void closeWith(ShutdownSignalException cause) {
		if (!this.open) {
			return;
		}
		this.open = false;
		this.shutdownListeners.forEach((listener) -> listener.shutdownCompleted(cause));
	}

	private Object addShutdownListener(ShutdownListener listener) {
		this.shutdownListeners.add(listener);
		if (!this.open) {
			listener.shutdownCompleted(new ShutdownSignalException(false, false, null, "already closed"));
		}
		return null;
	}

	private Object publish(Object[] args) throws Exception {
		checkWritable();
		// basicPublish(exchange, routingKey, mandatory, props, body)
		this.published.add(new Published(this.nextSequence.getAndIncrement(), (String) args[0], (String) args[1],
				(AMQP.BasicProperties) args[3]));
		return null;
	}

	private Object write(Ack ack) throws Exception {
		checkWritable();
		this.acks.add(ack);
		return null;
	}

	private void checkWritable() throws java.io.IOException {
		if (this.failWrites || !this.open) {
			throw new java.io.IOException("socket closed");
		}
	}

	private static <T> Object add(List<T> list, T item) {
		list.add(item);
		return null;
	}

}

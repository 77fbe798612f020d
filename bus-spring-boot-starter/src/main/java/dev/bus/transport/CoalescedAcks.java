package dev.bus.transport;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.rabbit.connection.ChannelProxy;

/**
 * Acknowledges settled deliveries in groups: one {@code basic.ack} with
 * {@code multiple=true} for up to {@code messagesPerAck} of them instead of one frame
 * each, which costs the client a socket write and the broker a command per message. What
 * is pending goes out when the group is full, when a delivery on the same channel is
 * rejected, when {@link #flushExpired()} finds it older than the ack timeout (the direct
 * container's monitor calls it), and when the container stops: a settled message is never
 * left unacknowledged for long, and the ones settled just before a crash come back, as
 * they would have a moment earlier.
 *
 * <p>
 * Delivery tags belong to the AMQP channel behind spring-amqp's proxy, and a cached proxy
 * may later front a new channel; so groups are kept per underlying channel and sent to
 * it. When that channel is gone, its pending acks are dropped: the broker has already
 * requeued those messages.
 */
public final class CoalescedAcks {

	/** Acks every delivery on its own, as soon as it is settled. */
	public static CoalescedAcks immediate() {
		return new CoalescedAcks(1, 0);
	}

	private final int messagesPerAck;

	private final long timeoutNanos;

	private final Map<Channel, Pending> pendingByChannel = new ConcurrentHashMap<>();

	/** While the container stops, every ack goes out at once. */
	private volatile boolean stopping;

	/**
	 * @param messagesPerAck most settled deliveries per ack
	 * @param timeoutMillis how long a settled delivery may wait for its ack
	 */
	public CoalescedAcks(int messagesPerAck, long timeoutMillis) {
		this.messagesPerAck = messagesPerAck;
		this.timeoutNanos = timeoutMillis * 1_000_000;
	}

	/** Acknowledges a delivery, now or with the next group. */
	public void ack(Channel channel, long deliveryTag) throws IOException {
		if (this.messagesPerAck <= 1) {
			channel.basicAck(deliveryTag, false);
			return;
		}
		Channel target = target(channel);
		Pending pending = this.pendingByChannel.get(target);
		if (pending == null) {
			pending = track(target);
		}
		synchronized (pending) {
			pending.add(deliveryTag);
			if (pending.count >= this.messagesPerAck || this.stopping) {
				pending.send(target);
			}
		}
	}

	/**
	 * Rejects one delivery to the queue's dead-letter exchange, after acknowledging those
	 * settled before it.
	 */
	public void reject(Channel channel, long deliveryTag) throws IOException {
		Channel target = target(channel);
		Pending pending = this.pendingByChannel.get(target);
		if (pending != null) {
			synchronized (pending) {
				pending.send(target);
			}
		}
		// Individually, so that a quorum queue counts the delivery against its limit.
		target.basicReject(deliveryTag, false);
	}

	/** Sends the groups that have waited longer than the ack timeout. */
	void flushExpired() {
		long now = System.nanoTime();
		this.pendingByChannel.forEach((target, pending) -> {
			synchronized (pending) {
				if (pending.count > 0 && (this.stopping || now - pending.firstNanos >= this.timeoutNanos)) {
					pending.sendQuietly(target);
				}
			}
		});
	}

	/**
	 * From now on every ack goes out at once, and what is pending goes now: the container
	 * is stopping.
	 */
	void stopping() {
		this.stopping = true;
		flushExpired();
	}

	/** Groups acks again: the container has (re)started. */
	void started() {
		this.stopping = false;
	}

	/** Settled deliveries not yet acknowledged, on every channel. */
	public int pendingCount() {
		int count = 0;
		for (Pending pending : this.pendingByChannel.values()) {
			synchronized (pending) {
				count += pending.count;
			}
		}
		return count;
	}

	private Pending track(Channel target) {
		Pending pending = new Pending();
		Pending existing = this.pendingByChannel.putIfAbsent(target, pending);
		if (existing != null) {
			return existing;
		}
		// Called at once when the channel is already closed: then the entry goes straight
		// away.
		target.addShutdownListener((cause) -> this.pendingByChannel.remove(target));
		return pending;
	}

	private static Channel target(Channel channel) {
		return (channel instanceof ChannelProxy proxy) ? proxy.getTargetChannel() : channel;
	}

	/** Settled, unacknowledged deliveries of one channel; guarded by its own monitor. */
	private static final class Pending {

		private long latestTag;

		private int count;

		private long firstNanos;

		void add(long deliveryTag) {
			if (this.count == 0) {
				this.firstNanos = System.nanoTime();
			}
			this.latestTag = deliveryTag;
			this.count++;
		}

		void send(Channel target) throws IOException {
			if (this.count > 0) {
				this.count = 0;
				target.basicAck(this.latestTag, true);
			}
		}

		void sendQuietly(Channel target) {
			try {
				send(target);
			}
			catch (IOException | RuntimeException ex) {
				// The channel is closing: the broker requeues these deliveries, and its
				// shutdown listener forgets them.
			}
		}

	}

}

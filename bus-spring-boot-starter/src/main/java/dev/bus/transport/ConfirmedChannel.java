package dev.bus.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;

/**
 * One long-lived AMQP channel in confirm mode, with every unconfirmed publish tracked by
 * sequence number.
 *
 * <p>
 * Publishing every message on one channel and settling confirms asynchronously is what
 * lets Bus get near the raw client's throughput: a channel per send (as spring-amqp's
 * cached channels do with correlated confirms) churns hundreds of channels a second.
 * Unconfirmed publishes wait in a queue in publish order, which is also the order of
 * their sequence numbers and of their deadlines: a confirm settles from the head, and
 * {@link #expire()} only ever looks at the head. That keeps the per-message cost to an
 * append and a removal, with no timer per publish. Returns (mandatory, unroutable) arrive
 * before their confirm; the publish they belong to is found by message id among the few
 * unconfirmed ones, and its ack becomes an {@link Reason#UNROUTABLE} failure.
 *
 * <p>
 * Futures are completed outside the queue's lock, since what they run may publish again.
 *
 * <p>
 * Why not spring-amqp's {@code ThreadChannelConnectionFactory} (one channel per thread,
 * no churn): in spring-amqp 4.0 it offers simple confirms only ({@code waitForConfirms}
 * on the publishing thread), so a nack, return or timeout cannot be told to the one
 * publish it belongs to, and the publishing thread blocks while it waits. Measured with
 * the benchmark's "Bus (ThreadChannel publisher)" (Bus's envelope and listener, confirms
 * awaited every 100 publishes;
 * {@code scripts/bench --rounds 3 --messages 50000 --scenarios A,B-quorum}, 2026-11-28,
 * medians against the raw client in the same run): A (transient, classic) 1.00 against
 * Bus's 0.91; B-quorum (persistent, quorum, Bus's default) 0.64 against Bus's 0.83. It
 * gains a little where confirms are cheap and loses a quarter where they are durable, and
 * it cannot give a per-message outcome in either.
 */
final class ConfirmedChannel implements ConfirmListener, ReturnListener {

	private final Channel channel;

	private final long confirmTimeoutNanos;

	private final ArrayDeque<PendingPublish> pending = new ArrayDeque<>();

	private volatile boolean nacked;

	private final long openedNanos = System.nanoTime();

	ConfirmedChannel(Channel channel, Duration confirmTimeout) throws IOException {
		this.channel = channel;
		this.confirmTimeoutNanos = confirmTimeout.toNanos();
		channel.confirmSelect();
		channel.addConfirmListener(this);
		channel.addReturnListener(this);
		channel.addShutdownListener(this::failAll);
	}

	boolean isOpen() {
		return this.channel.isOpen();
	}

	/**
	 * Whether the broker has nacked a publish on this channel, open for at least
	 * {@code age}.
	 */
	boolean nackedAndOlderThan(Duration age) {
		return this.nacked && System.nanoTime() - this.openedNanos >= age.toNanos();
	}

	/**
	 * Every publish is mandatory (a message no queue takes fails as unroutable) but a
	 * reply to a requester's direct reply-to pseudo-queue: RabbitMQ returns every
	 * mandatory publish to {@code amq.rabbitmq.reply-to.*} as not routed even though it
	 * delivers it (its direct reply-to guide says so), which failed every reply that had
	 * been delivered. A requester that is gone is the requester's timeout to see.
	 */
	static boolean mandatory(String exchange, String routingKey) {
		return !(exchange.isEmpty() && routingKey.startsWith(ConfirmedSender.DIRECT_REPLY_TO));
	}

	/**
	 * Publishes as broker user {@code userId} ({@link WireCodec#sentBy}); the caller
	 * serialises calls, since sequence numbers must match publish order.
	 */
	CompletableFuture<Void> publish(String exchange, String routingKey, Envelope envelope, String userId)
			throws IOException {
		PendingPublish publish = new PendingPublish(this.channel.getNextPublishSeqNo(),
				System.nanoTime() + this.confirmTimeoutNanos, envelope.topic(), envelope.messageId());
		synchronized (this.pending) {
			this.pending.addLast(publish);
		}
		try {
			this.channel.basicPublish(exchange, routingKey, mandatory(exchange, routingKey),
					WireCodec.sentBy(envelope.properties(), userId), envelope.body());
		}
		catch (IOException | RuntimeException ex) {
			synchronized (this.pending) {
				this.pending.removeLastOccurrence(publish);
			}
			publish.fail(Reason.CONNECTION_LOST, "publish failed: " + ex.getMessage(), ex);
			throw ex;
		}
		return publish.future;
	}

	int pendingCount() {
		synchronized (this.pending) {
			return this.pending.size();
		}
	}

	/** Completes once every publish in flight now is settled, confirmed or failed. */
	CompletableFuture<Void> inFlightSettled() {
		CompletableFuture<?>[] futures;
		synchronized (this.pending) {
			futures = this.pending.stream().map((publish) -> publish.future).toArray(CompletableFuture[]::new);
		}
		return CompletableFuture.allOf(futures).exceptionally((failed) -> null);
	}

	/** Fails the publishes whose confirm is overdue (called periodically). */
	void expire() {
		long now = System.nanoTime();
		PendingPublish overdue;
		while ((overdue = pollHeadIf((head) -> head.deadline - now <= 0)) != null) {
			overdue.fail(Reason.TIMEOUT,
					"no confirm within " + Duration.ofNanos(this.confirmTimeoutNanos).toMillis() + " ms", null);
		}
	}

	void close() {
		try {
			if (this.channel.isOpen()) {
				this.channel.close();
			}
		}
		catch (IOException | RuntimeException | java.util.concurrent.TimeoutException ex) {
			// already closing; pending publishes are failed by the shutdown listener
		}
	}

	@Override
	public void handleAck(long deliveryTag, boolean multiple) {
		settle(deliveryTag, multiple, null);
	}

	@Override
	public void handleNack(long deliveryTag, boolean multiple) {
		this.nacked = true;
		settle(deliveryTag, multiple, Reason.NACKED);
	}

	@Override
	public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
			AMQP.BasicProperties properties, byte[] body) {
		String messageId = properties.getMessageId();
		synchronized (this.pending) {
			for (PendingPublish publish : this.pending) {
				if (publish.messageId.equals(messageId)) {
					publish.returnedBecause = replyCode + " " + replyText + ": no queue is bound to exchange '"
							+ exchange + "' for topic '" + routingKey + "'";
					return;
				}
			}
		}
	}

	private void settle(long deliveryTag, boolean multiple, Reason failure) {
		if (multiple) {
			PendingPublish publish;
			while ((publish = pollHeadIf((head) -> head.sequence <= deliveryTag)) != null) {
				publish.settle(failure);
			}
			return;
		}
		PendingPublish publish = removeSequence(deliveryTag);
		if (publish != null) {
			publish.settle(failure);
		}
	}

	private PendingPublish pollHeadIf(Predicate<PendingPublish> condition) {
		synchronized (this.pending) {
			PendingPublish head = this.pending.peekFirst();
			return (head != null && condition.test(head)) ? this.pending.pollFirst() : null;
		}
	}

	/**
	 * A single confirm is nearly always for the head; the broker may confirm out of
	 * order, though.
	 */
	private PendingPublish removeSequence(long sequence) {
		synchronized (this.pending) {
			Iterator<PendingPublish> iterator = this.pending.iterator();
			while (iterator.hasNext()) {
				PendingPublish publish = iterator.next();
				if (publish.sequence == sequence) {
					iterator.remove();
					return publish;
				}
				if (publish.sequence > sequence) {
					return null;
				}
			}
			return null;
		}
	}

	/**
	 * Fails every unconfirmed publish when the channel closes. When the broker closed it
	 * for a refused publish (403, its reply naming the topic), the publishes to that
	 * topic fail as {@link Reason#FORBIDDEN} and the rest as
	 * {@link Reason#CONNECTION_LOST}, which their callers may retry on the channel that
	 * replaces this one.
	 */
	private void failAll(ShutdownSignalException cause) {
		List<PendingPublish> unconfirmed;
		synchronized (this.pending) {
			unconfirmed = new ArrayList<>(this.pending);
			this.pending.clear();
		}
		String refusal = accessRefusal(cause);
		for (PendingPublish publish : unconfirmed) {
			if (refusal != null && refusal.contains("topic '" + publish.topic + "'")) {
				publish.fail(Reason.FORBIDDEN, "the broker refused it: " + refusal, null);
			}
			else {
				publish.fail(Reason.CONNECTION_LOST,
						"channel closed before the broker confirmed: " + cause.getMessage(), null);
			}
		}
	}

	/**
	 * The broker's reply text when it closed the channel with 403 ACCESS_REFUSED, else
	 * {@code null}.
	 */
	private static String accessRefusal(ShutdownSignalException cause) {
		if (!cause.isHardError() && cause.getReason() instanceof AMQP.Channel.Close close
				&& close.getReplyCode() == AMQP.ACCESS_REFUSED) {
			return close.getReplyText();
		}
		return null;
	}

	private static final class PendingPublish {

		private final long sequence;

		private final long deadline;

		private final String topic;

		private final String messageId;

		private final CompletableFuture<Void> future = new CompletableFuture<>();

		private volatile String returnedBecause;

		PendingPublish(long sequence, long deadline, String topic, String messageId) {
			this.sequence = sequence;
			this.deadline = deadline;
			this.topic = topic;
			this.messageId = messageId;
		}

		void settle(Reason failure) {
			if (failure != null) {
				fail(failure, "the broker nacked the message", null);
			}
			else if (this.returnedBecause != null) {
				fail(Reason.UNROUTABLE, this.returnedBecause, null);
			}
			else {
				this.future.complete(null);
			}
		}

		void fail(Reason reason, String detail, Throwable cause) {
			this.future
				.completeExceptionally(new BusPublishException(reason, this.topic, this.messageId, detail, cause));
		}

	}

}

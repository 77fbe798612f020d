package dev.bus.testkit.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Message;

/**
 * RabbitMQ's routing and queueing, in memory, for tests: exchanges (topic, direct,
 * fanout, headers, the default exchange, exchange-to-exchange bindings, alternate
 * exchanges), queues (FIFO, per-queue and per-message TTL, dead-lettering with
 * {@code x-death} as RabbitMQ 3.10 writes it on expiry, rejection and a quorum queue's
 * delivery limit, {@code x-max-length} with {@code drop-head} or {@code reject-publish},
 * single active consumer, auto-delete), consumers with prefetch and acknowledgements.
 * Declared from spring-amqp's {@link Declarable}s, the same objects Bus declares on a
 * real broker, so the two see one topology. What it does not model is listed in
 * docs/testing.md (persistence, clustering, connections and channels, policies,
 * priorities, streams).
 * <p>
 * Written rather than taken: the one library that emulates RabbitMQ in memory (fridujo's
 * rabbitmq-mock) has had no release since 1.1.1 and emulates the Java client's channel, a
 * layer below where Bus's test transport plugs in. {@code InProcessBrokerAgreementIT}
 * runs the same declarations and messages through this and through RabbitMQ and compares
 * where each message ends up.
 * <p>
 * About 400 lines: what is left here are the operations that take the one lock together
 * (publish, get, consume, cancel, acknowledge, reject, expire), each a few lines over the
 * model's parts in classes of their own ({@link Topology}, {@link QueueState},
 * {@link ConsumerState}, {@link Messages}, {@link DirectReplyTo}).
 */
public final class InProcessBroker implements AutoCloseable {

	/** The header RabbitMQ adds to a dead-lettered message. */
	public static final String X_DEATH = "x-death";

	private final Object lock = new Object();

	private final Topology topology = new Topology();

	private final Unacked unacked = new Unacked();

	private final Map<String, ConsumerState> consumers = new HashMap<>();

	private final AtomicLong consumerTags = new AtomicLong();

	private final DirectReplyTo directReplyTo = new DirectReplyTo();

	private final ScheduledExecutorService expiry;

	public InProcessBroker() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "bus-in-process-broker-ttl");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		this.expiry = timer;
	}

	/**
	 * Declares an exchange, a queue or a binding, as RabbitMQ would: again with the same
	 * settings does nothing; with others fails ({@code PRECONDITION_FAILED}).
	 */
	public void declare(Declarable declarable) {
		synchronized (this.lock) {
			this.topology.declare(declarable);
		}
	}

	public boolean exchangeExists(String name) {
		synchronized (this.lock) {
			return this.topology.exchangeExists(name);
		}
	}

	public boolean queueExists(String name) {
		synchronized (this.lock) {
			return this.topology.queue(name) != null;
		}
	}

	/** Messages ready in a queue (not those delivered and unacknowledged). */
	public int messageCount(String queue) {
		synchronized (this.lock) {
			return this.topology.requireQueue(queue).ready.size();
		}
	}

	public void deleteQueue(String name) {
		synchronized (this.lock) {
			this.topology.deleteQueue(name);
		}
	}

	public void deleteExchange(String name) {
		synchronized (this.lock) {
			this.topology.deleteExchange(name);
		}
	}

	/**
	 * Publishes to an exchange ({@code ""} is the default exchange, which routes to the
	 * queue of the routing key's name).
	 * @throws IllegalStateException for an exchange that does not exist
	 * ({@code NOT_FOUND}: RabbitMQ closes the channel)
	 */
	public Published publish(String exchange, String routingKey, Message message) {
		synchronized (this.lock) {
			if (!this.topology.exchangeExists(exchange)) {
				throw new IllegalStateException("NOT_FOUND - no exchange '" + exchange + "'");
			}
			List<QueueState> targets = this.topology.route(exchange, routingKey, message);
			List<String> taken = enqueue(targets, message, exchange, routingKey);
			return new Published(taken, taken.size() < targets.size());
		}
	}

	/**
	 * Takes the next ready message of a queue, acknowledged at once; {@code null} if
	 * none.
	 */
	public Message get(String queue) {
		synchronized (this.lock) {
			QueueState state = this.topology.requireQueue(queue);
			expireHead(state);
			Stored stored = state.ready.pollFirst();
			return (stored != null)
					? Messages.delivered(stored.delivered(), queue, 0, stored.deliveries() > 0, state.quorum) : null;
		}
	}

	/**
	 * Takes the next ready message of a queue without acknowledging it ({@code basic.get}
	 * without auto-ack): {@link #ack} removes it, {@link #requeue} puts it back.
	 * @return the message, its delivery tag in its properties; {@code null} if none
	 */
	public Message take(String queue) {
		synchronized (this.lock) {
			QueueState state = this.topology.requireQueue(queue);
			expireHead(state);
			Stored stored = state.ready.pollFirst();
			if (stored == null) {
				return null;
			}
			Stored delivered = stored.delivered();
			long tag = this.unacked.add(delivered, null, queue);
			return Messages.delivered(delivered, queue, tag, stored.deliveries() > 0, state.quorum);
		}
	}

	/**
	 * Puts taken, unacknowledged messages back at the head of their queue, in the order
	 * they were taken (what closing a channel does).
	 */
	public void requeue(List<Long> deliveryTags) {
		synchronized (this.lock) {
			for (Unacked.Delivery returned : this.unacked.removeLatestFirst(deliveryTags)) {
				QueueState queue = this.topology.queue(returned.queue());
				if (queue != null) {
					queue.ready.addFirst(returned.stored());
					dispatch(queue);
				}
			}
		}
	}

	/**
	 * RabbitMQ's direct reply-to ({@code amq.rabbitmq.reply-to}): replies go straight to
	 * the requester, unqueued.
	 */
	public DirectReplyTo directReplyTo() {
		return this.directReplyTo;
	}

	/**
	 * Starts a consumer on a queue: up to {@code prefetch} unacknowledged deliveries at a
	 * time, handed over in order on a thread of the consumer's own.
	 * @return the consumer's tag
	 */
	public String consume(String queue, int prefetch, DeliveryHandler handler) {
		synchronized (this.lock) {
			QueueState state = this.topology.requireQueue(queue);
			String tag = "in-process-" + this.consumerTags.incrementAndGet();
			ConsumerState consumer = new ConsumerState(tag, queue, Math.max(1, prefetch), handler);
			this.consumers.put(tag, consumer);
			state.consumers.add(consumer);
			state.hadConsumer = true;
			dispatch(state);
			return tag;
		}
	}

	/**
	 * Cancels a consumer as RabbitMQ's {@code basic.cancel} then the channel's close do:
	 * no new deliveries; those already handed over finish (up to {@code timeout}) and may
	 * still be acknowledged; what is left unacknowledged goes back to the head of the
	 * queue. An auto-delete queue without consumers left is deleted.
	 */
	public void cancel(String consumerTag, Duration timeout) {
		ConsumerState consumer;
		synchronized (this.lock) {
			consumer = this.consumers.remove(consumerTag);
			if (consumer == null) {
				return;
			}
			QueueState queue = this.topology.queue(consumer.queue);
			if (queue != null) {
				queue.consumers.remove(consumer);
			}
		}
		consumer.stop(timeout);
		synchronized (this.lock) {
			QueueState queue = this.topology.queue(consumer.queue);
			for (Unacked.Delivery returned : this.unacked.removeLatestFirst(consumer)) {
				if (queue != null) {
					queue.ready.addFirst(returned.stored());
				}
			}
			if (queue != null) {
				if (queue.autoDelete && queue.hadConsumer && queue.consumers.isEmpty()) {
					this.topology.deleteQueue(queue.name);
				}
				else {
					dispatch(queue);
				}
			}
		}
	}

	/** Whether a consumer is still subscribed. */
	public boolean consuming(String consumerTag) {
		synchronized (this.lock) {
			return this.consumers.containsKey(consumerTag);
		}
	}

	public void ack(long deliveryTag) {
		synchronized (this.lock) {
			Unacked.Delivery settled = this.unacked.remove(deliveryTag);
			if (settled != null) {
				settled(settled);
			}
		}
	}

	/**
	 * Rejects a delivery: requeued at the head (a quorum queue counts its deliveries and
	 * dead-letters one past its {@code x-delivery-limit}), or dead-lettered with reason
	 * {@code rejected} (dropped when the queue has no dead-letter exchange).
	 */
	public void reject(long deliveryTag, boolean requeue) {
		synchronized (this.lock) {
			Unacked.Delivery settled = this.unacked.remove(deliveryTag);
			if (settled == null) {
				return;
			}
			if (settled.consumer() != null) {
				settled.consumer().inFlight--;
			}
			QueueState queue = this.topology.queue(settled.queue());
			if (queue != null) {
				if (!requeue) {
					deadLetter(queue, settled.stored(), "rejected");
				}
				else if (queue.deliveryLimit != null && settled.stored().deliveries() > queue.deliveryLimit) {
					deadLetter(queue, settled.stored(), "delivery_limit");
				}
				else {
					queue.ready.addFirst(settled.stored());
				}
			}
			dispatchQueueOf(settled);
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.consumers.values().forEach((consumer) -> consumer.executor.shutdownNow());
			this.consumers.clear();
		}
		this.expiry.shutdownNow();
	}

	/**
	 * Puts a copy of a routed message in each of its queues that takes it (a full
	 * reject-publish queue does not).
	 * @return the queues that took it
	 */
	private List<String> enqueue(List<QueueState> targets, Message message, String exchange, String routingKey) {
		List<String> taken = new ArrayList<>(targets.size());
		for (QueueState queue : targets) {
			if (!queue.full()) {
				enqueue(queue, new Stored(Messages.copy(message), exchange, routingKey, 0));
				taken.add(queue.name);
			}
		}
		return List.copyOf(taken);
	}

	private void enqueue(QueueState queue, Stored stored) {
		queue.ready.addLast(stored.expiringAt(queue.expiryOf(stored.message())));
		if (queue.maxLength != null && !queue.rejectPublish && queue.ready.size() > queue.maxLength) {
			// the default overflow, drop-head
			deadLetter(queue, queue.ready.pollFirst(), "maxlen");
		}
		scheduleExpiry(queue);
		dispatch(queue);
	}

	private void settled(Unacked.Delivery settled) {
		if (settled.consumer() != null) {
			settled.consumer().inFlight--;
		}
		dispatchQueueOf(settled);
	}

	private void dispatchQueueOf(Unacked.Delivery settled) {
		QueueState queue = this.topology.queue(settled.queue());
		if (queue != null) {
			dispatch(queue);
		}
	}

	/**
	 * Hands ready messages to consumers with room, round robin (or the single active).
	 */
	private void dispatch(QueueState queue) {
		expireHead(queue);
		while (!queue.ready.isEmpty()) {
			ConsumerState consumer = queue.nextConsumer();
			if (consumer == null) {
				return;
			}
			Stored stored = queue.ready.pollFirst();
			Stored delivered = stored.delivered();
			long tag = this.unacked.add(delivered, consumer, queue.name);
			consumer.inFlight++;
			Message message = Messages.delivered(delivered, queue.name, tag, stored.deliveries() > 0, queue.quorum);
			consumer.executor.execute(() -> consumer.handler.deliver(message, tag));
			expireHead(queue);
		}
	}

	private void expireHead(QueueState queue) {
		long now = System.currentTimeMillis();
		while (!queue.ready.isEmpty() && queue.ready.peekFirst().expired(now)) {
			deadLetter(queue, queue.ready.pollFirst(), "expired");
		}
	}

	private void scheduleExpiry(QueueState queue) {
		Stored head = queue.ready.peekFirst();
		if (head == null || head.expiresAt() == Long.MAX_VALUE || queue.expiryCheck != null) {
			return;
		}
		Object check = new Object();
		queue.expiryCheck = check;
		long delay = Math.max(0, head.expiresAt() - System.currentTimeMillis());
		this.expiry.schedule(() -> {
			synchronized (this.lock) {
				if (queue.expiryCheck != check) {
					return;
				}
				queue.expiryCheck = null;
				expireHead(queue);
				scheduleExpiry(queue);
			}
		}, delay, TimeUnit.MILLISECONDS);
	}

	private void deadLetter(QueueState queue, Stored stored, String reason) {
		Object exchange = queue.arguments.get("x-dead-letter-exchange");
		if (exchange == null) {
			return;
		}
		Object routingKey = queue.arguments.get("x-dead-letter-routing-key");
		Message dead = Messages.deadLettered(stored, queue.name, reason);
		String key = (routingKey != null) ? routingKey.toString() : stored.routingKey();
		enqueue(this.topology.route(exchange.toString(), key, dead), dead, exchange.toString(), key);
	}

}

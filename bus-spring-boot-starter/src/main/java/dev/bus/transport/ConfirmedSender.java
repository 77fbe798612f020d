package dev.bus.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionProxy;
import org.springframework.amqp.rabbit.connection.SimpleConnection;
import org.springframework.scheduling.TaskScheduler;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;

/**
 * The AMQP {@link EnvelopeSender}: sends envelopes with publisher confirms on a single
 * long-lived channel of the publisher connection, reopening it after a connection loss.
 * Connection management (recovery, listeners, metrics) stays with spring-amqp's
 * connection factory; this class only owns the channel.
 *
 * <p>
 * Overdue confirms are found by one periodic check on Bus's task scheduler (every tenth
 * of the confirm timeout, at least every second), not by a timer per publish: a publish
 * fails as {@link Reason#TIMEOUT} between one and 1.1 confirm timeouts after it was sent.
 *
 * <p>
 * A channel on which the broker has nacked a publish (and open for a second at least) is
 * replaced for the next publish and retired: it keeps settling (or expiring) what it has
 * in flight and is closed once that is done. A nack is rare, and it may mean the channel
 * itself is stuck: on RabbitMQ 3.10 a channel opened while a quorum queue's leader was
 * down keeps the dead leader and nacks every later publish to that queue, while a fresh
 * channel is acked (measured on the 3-node cluster of {@code scripts/infra cluster}:
 * 2,000 of 2,000 nacked over 10 s, then a new channel acked at once; fixed in later
 * RabbitMQ versions by rabbitmq-server#9241). Closing the channel instead would fail
 * publishes the broker may still confirm.
 *
 * <p>
 * Every message goes out as sent by the connection's broker user
 * ({@link BrokerAccess#userId()}, written by {@link WireCodec#sentBy}). The channel also
 * consumes RabbitMQ's direct reply-to when the application makes requests (it only works
 * on the channel that publishes them); what arrives goes to a callback this class knows
 * nothing more about.
 */
public class ConfirmedSender implements EnvelopeSender {

	private static final Log logger = LogFactory.getLog(ConfirmedSender.class);

	private final ConnectionFactory connectionFactory;

	private final Duration confirmTimeout;

	private final TaskScheduler scheduler;

	private final BrokerAccess brokerAccess;

	private final BiConsumer<AMQP.BasicProperties, byte[]> replies;

	private final Object lock = new Object();

	private ConfirmedChannel channel;

	/**
	 * Channels replaced after a nack, until what they have in flight is settled or
	 * expired.
	 */
	private final List<ConfirmedChannel> retired = new ArrayList<>();

	private ScheduledFuture<?> expiry;

	private volatile boolean closed;

	private static final Duration MIN_EXPIRY_INTERVAL = Duration.ofMillis(10);

	private static final Duration MAX_EXPIRY_INTERVAL = Duration.ofSeconds(1);

	/**
	 * A nacking channel is replaced at most once a second: a queue that rejects publishes
	 * must not churn them.
	 */
	private static final Duration MIN_CHANNEL_AGE = Duration.ofSeconds(1);

	/**
	 * RabbitMQ's pseudo-queue for replies to this channel's publishes (direct reply-to).
	 */
	public static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

	public ConfirmedSender(ConnectionFactory connectionFactory, Duration confirmTimeout, TaskScheduler scheduler) {
		this(connectionFactory, confirmTimeout, scheduler, BrokerAccess.UNKNOWN);
	}

	public ConfirmedSender(ConnectionFactory connectionFactory, Duration confirmTimeout, TaskScheduler scheduler,
			BrokerAccess brokerAccess) {
		this(connectionFactory, confirmTimeout, scheduler, brokerAccess, null);
	}

	/**
	 * @param replies what receives the replies to requests sent on this channel
	 * (RabbitMQ's direct reply-to); {@code null}: the application makes no requests
	 */
	public ConfirmedSender(ConnectionFactory connectionFactory, Duration confirmTimeout, TaskScheduler scheduler,
			BrokerAccess brokerAccess, BiConsumer<AMQP.BasicProperties, byte[]> replies) {
		this.connectionFactory = connectionFactory;
		this.confirmTimeout = confirmTimeout;
		this.scheduler = scheduler;
		this.brokerAccess = brokerAccess;
		this.replies = replies;
	}

	@Override
	public CompletableFuture<Void> send(String exchange, String routingKey, Envelope envelope) {
		if (this.closed) {
			return failed(envelope, Reason.CLOSED, "publisher is shut down", null);
		}
		synchronized (this.lock) {
			try {
				// Opened first: opening the connection is what obtains the broker user.
				ConfirmedChannel open = openChannel();
				return open.publish(exchange, routingKey, envelope, this.brokerAccess.userId());
			}
			catch (IOException | AmqpException | com.rabbitmq.client.AlreadyClosedException ex) {
				return failed(envelope, Reason.CONNECTION_LOST, "cannot publish: " + ex.getMessage(), ex);
			}
		}
	}

	/**
	 * The confirm timeout and a second: an unconfirmed publish fails as
	 * {@link Reason#TIMEOUT} within 1.1 confirm timeouts.
	 */
	@Override
	public Duration settleTimeout() {
		return this.confirmTimeout.plusSeconds(1);
	}

	/** Unconfirmed publishes, on the current channel and on retired ones. */
	@Override
	public int pendingCount() {
		synchronized (this.lock) {
			int pending = (this.channel != null) ? this.channel.pendingCount() : 0;
			for (ConfirmedChannel channel : this.retired) {
				pending += channel.pendingCount();
			}
			return pending;
		}
	}

	/**
	 * Stops accepting publishes, waits up to {@code timeout} for outstanding confirms,
	 * then closes the channel.
	 */
	@Override
	public void close(Duration timeout) {
		this.closed = true;
		List<CompletableFuture<Void>> inFlight = new ArrayList<>();
		synchronized (this.lock) {
			if (this.channel != null) {
				inFlight.add(this.channel.inFlightSettled());
			}
			this.retired.forEach((retired) -> inFlight.add(retired.inFlightSettled()));
		}
		try {
			CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// what is still unconfirmed fails when its channel closes below
		}
		synchronized (this.lock) {
			if (this.channel != null) {
				this.channel.close();
				this.channel = null;
			}
			this.retired.forEach(ConfirmedChannel::close);
			this.retired.clear();
			if (this.expiry != null) {
				this.expiry.cancel(false);
				this.expiry = null;
			}
		}
	}

	/**
	 * Fails the publishes whose confirm is overdue; closes retired channels with nothing
	 * left in flight.
	 */
	void expireUnconfirmed() {
		List<ConfirmedChannel> channels = new ArrayList<>();
		synchronized (this.lock) {
			if (this.channel != null) {
				channels.add(this.channel);
			}
			channels.addAll(this.retired);
		}
		channels.forEach(ConfirmedChannel::expire);
		synchronized (this.lock) {
			this.retired.removeIf((retired) -> {
				if (retired.pendingCount() > 0) {
					return false;
				}
				retired.close();
				return true;
			});
		}
	}

	private ConfirmedChannel openChannel() throws IOException {
		if (this.channel != null && this.channel.isOpen() && this.channel.nackedAndOlderThan(MIN_CHANNEL_AGE)) {
			logger.debug("The broker nacked a publish: publishing on a new channel from now on");
			this.retired.add(this.channel);
			this.channel = null;
		}
		if (this.channel == null || !this.channel.isOpen()) {
			Connection connection = this.connectionFactory.createConnection();
			Channel raw = rawConnection(connection).createChannel();
			if (this.replies != null) {
				raw.basicConsume(DIRECT_REPLY_TO, true,
						(tag, delivery) -> this.replies.accept(delivery.getProperties(), delivery.getBody()), (tag) -> {
						});
			}
			this.channel = new ConfirmedChannel(raw, this.confirmTimeout);
			logger.debug("Opened publisher channel");
		}
		if (this.expiry == null) {
			this.expiry = this.scheduler.scheduleWithFixedDelay(this::expireUnconfirmed, expiryInterval());
		}
		return this.channel;
	}

	private Duration expiryInterval() {
		Duration tenth = this.confirmTimeout.dividedBy(10);
		return (tenth.compareTo(MAX_EXPIRY_INTERVAL) > 0) ? MAX_EXPIRY_INTERVAL
				: (tenth.compareTo(MIN_EXPIRY_INTERVAL) < 0) ? MIN_EXPIRY_INTERVAL : tenth;
	}

	/**
	 * The client library's connection behind spring-amqp's proxy, so that the channel is
	 * ours alone and never goes back to (or comes from) spring-amqp's channel cache.
	 */
	private static com.rabbitmq.client.Connection rawConnection(Connection connection) {
		Connection target = connection;
		while (target instanceof ConnectionProxy proxy) {
			target = proxy.getTargetConnection();
		}
		if (target instanceof SimpleConnection simple) {
			return simple.getDelegate();
		}
		throw new IllegalStateException("Unsupported connection type " + target.getClass().getName());
	}

	private static CompletableFuture<Void> failed(Envelope envelope, Reason reason, String detail, Throwable cause) {
		return CompletableFuture
			.failedFuture(new BusPublishException(reason, envelope.topic(), envelope.messageId(), detail, cause));
	}

}

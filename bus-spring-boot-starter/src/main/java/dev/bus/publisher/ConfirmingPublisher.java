package dev.bus.publisher;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionProxy;
import org.springframework.amqp.rabbit.connection.SimpleConnection;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;

/**
 * Sends envelopes with publisher confirms on a single long-lived channel of the publisher connection, reopening
 * it after a connection loss. Connection management (recovery, listeners, metrics) stays with spring-amqp's
 * connection factory; this class only owns the channel.
 */
public class ConfirmingPublisher {

	private static final Log logger = LogFactory.getLog(ConfirmingPublisher.class);

	private final ConnectionFactory connectionFactory;

	private final Duration confirmTimeout;

	private final Object lock = new Object();

	private ConfirmedChannel channel;

	private volatile boolean closed;

	/** Most distinct topics remembered for {@link #publishedTopics()}; a bound, since topics may be dynamic. */
	static final int MAX_REMEMBERED_TOPICS = 256;

	private final Set<String> publishedTopics = ConcurrentHashMap.newKeySet();

	public ConfirmingPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout) {
		this.connectionFactory = connectionFactory;
		this.confirmTimeout = confirmTimeout;
	}

	/**
	 * Publishes to an exchange with the envelope's topic as routing key (mandatory, confirmed).
	 * @return a future completed on the broker's confirm, failed with {@link BusPublishException} otherwise
	 */
	public CompletableFuture<Void> publish(String exchange, Envelope envelope) {
		if (this.closed) {
			return failed(envelope, Reason.CLOSED, "publisher is shut down", null);
		}
		rememberTopic(envelope.topic());
		CompletableFuture<Void> confirmed;
		synchronized (this.lock) {
			try {
				confirmed = openChannel().publish(exchange, envelope);
			}
			catch (IOException | AmqpException | com.rabbitmq.client.AlreadyClosedException ex) {
				return failed(envelope, Reason.CONNECTION_LOST, "cannot publish: " + ex.getMessage(), ex);
			}
		}
		return confirmed.orTimeout(this.confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.exceptionallyCompose(error -> (error instanceof TimeoutException) ? failed(envelope, Reason.TIMEOUT,
					"no confirm within " + this.confirmTimeout.toMillis() + " ms", null)
					: CompletableFuture.failedFuture(error));
	}

	private void rememberTopic(String topic) {
		if (!this.publishedTopics.contains(topic) && this.publishedTopics.size() < MAX_REMEMBERED_TOPICS) {
			this.publishedTopics.add(topic);
		}
	}

	/**
	 * Topics this app has published to since it started (up to {@value #MAX_REMEMBERED_TOPICS}), sorted; the
	 * sidecar registers them in Consul.
	 */
	public List<String> publishedTopics() {
		return this.publishedTopics.stream().sorted().toList();
	}

	/** Unconfirmed publishes on the current channel. */
	public int pendingCount() {
		synchronized (this.lock) {
			return (this.channel != null) ? this.channel.pendingCount() : 0;
		}
	}

	/**
	 * Stops accepting publishes, waits up to {@code timeout} for outstanding confirms, then closes the channel.
	 */
	public void close(Duration timeout) {
		this.closed = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (pendingCount() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		synchronized (this.lock) {
			if (this.channel != null) {
				this.channel.close();
				this.channel = null;
			}
		}
	}

	private ConfirmedChannel openChannel() throws IOException {
		if (this.channel == null || !this.channel.isOpen()) {
			Connection connection = this.connectionFactory.createConnection();
			this.channel = new ConfirmedChannel(rawConnection(connection).createChannel());
			logger.debug("Opened publisher channel");
		}
		return this.channel;
	}

	/**
	 * The client library's connection behind spring-amqp's proxy, so that the channel is ours alone and never
	 * goes back to (or comes from) spring-amqp's channel cache.
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
		return CompletableFuture.failedFuture(
				new BusPublishException(reason, envelope.topic(), envelope.messageId(), detail, cause));
	}

}

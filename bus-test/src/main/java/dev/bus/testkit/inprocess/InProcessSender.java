package dev.bus.testkit.inprocess;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import com.rabbitmq.client.AMQP;
import org.springframework.amqp.core.Message;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.testkit.broker.InProcessBroker;
import dev.bus.testkit.broker.Published;
import dev.bus.transport.ConfirmedSender;
import dev.bus.transport.Envelope;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.WireCodec;

/**
 * Bus's transport seam over the {@link InProcessBroker}: a send is routed at once and
 * settles as RabbitMQ would confirm it. What no queue takes fails {@code UNROUTABLE} (Bus
 * publishes are mandatory), what a full {@code reject-publish} queue refuses fails
 * {@code NACKED}, a publish to a missing exchange fails {@code CONNECTION_LOST} (RabbitMQ
 * closes the channel). The message carries {@code user_id}, the identity the test gives
 * the application, as the AMQP sender writes the broker user it authenticated as. Direct
 * reply-to works as RabbitMQ's: a request's {@code amq.rabbitmq.reply-to} becomes this
 * sender's own address, and a reply sent there reaches {@code replies} on a thread of its
 * own.
 */
public class InProcessSender implements EnvelopeSender {

	private final InProcessBroker broker;

	private final String userId;

	private final BiConsumer<AMQP.BasicProperties, byte[]> replies;

	private final String replyAddress;

	private final ExecutorService replyThread = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "bus-in-process-replies");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean closed;

	/**
	 * @param userId the broker user the application is, written as {@code user_id}
	 * @param replies what receives the replies to this sender's requests
	 */
	public InProcessSender(InProcessBroker broker, String userId, BiConsumer<AMQP.BasicProperties, byte[]> replies) {
		this.broker = broker;
		this.userId = userId;
		this.replies = replies;
		this.replyAddress = broker.directReplyTo()
			.open(ConfirmedSender.DIRECT_REPLY_TO,
					(properties, body) -> this.replyThread.execute(() -> this.replies.accept(properties, body)));
	}

	@Override
	public CompletableFuture<Void> send(String exchange, String routingKey, Envelope envelope) {
		if (this.closed) {
			return failed(Reason.CLOSED, envelope, "the sender is closed");
		}
		AMQP.BasicProperties properties = WireCodec.sentBy(envelope.properties(), this.userId);
		if (ConfirmedSender.DIRECT_REPLY_TO.equals(properties.getReplyTo())) {
			properties = properties.builder().replyTo(this.replyAddress).build();
		}
		if (exchange.isEmpty() && routingKey.startsWith(ConfirmedSender.DIRECT_REPLY_TO + ".")) {
			return reply(routingKey, properties, envelope);
		}
		Message message = new Message(envelope.body(),
				WireCodec.delivered(properties, new com.rabbitmq.client.Envelope(0, false, exchange, routingKey)));
		Published published;
		try {
			published = this.broker.publish(exchange, routingKey, message);
		}
		catch (IllegalStateException ex) {
			return failed(Reason.CONNECTION_LOST, envelope, ex.getMessage());
		}
		if (published.rejected()) {
			return failed(Reason.NACKED, envelope, "a full queue refused it (x-overflow reject-publish)");
		}
		if (published.unroutable()) {
			return failed(Reason.UNROUTABLE, envelope,
					"no queue is bound for '" + routingKey + "' on '" + exchange + "'");
		}
		return CompletableFuture.completedFuture(null);
	}

	/** Nothing waits: every send settles when it is made. */
	@Override
	public Duration settleTimeout() {
		return Duration.ofSeconds(1);
	}

	@Override
	public int pendingCount() {
		return 0;
	}

	@Override
	public void close(Duration timeout) {
		this.closed = true;
		this.broker.directReplyTo().close(this.replyAddress);
		this.replyThread.shutdown();
	}

	private CompletableFuture<Void> reply(String address, AMQP.BasicProperties properties, Envelope envelope) {
		if (!this.broker.directReplyTo().reply(address, properties, envelope.body())) {
			return failed(Reason.UNROUTABLE, envelope, "no requester waits at " + address);
		}
		return CompletableFuture.completedFuture(null);
	}

	private static CompletableFuture<Void> failed(Reason reason, Envelope envelope, String why) {
		return CompletableFuture
			.failedFuture(new BusPublishException(reason, envelope.topic(), envelope.messageId(), why, null));
	}

}

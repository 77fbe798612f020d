package dev.bus.publisher;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;

/**
 * One long-lived AMQP channel in confirm mode, with every unconfirmed publish tracked by sequence number.
 *
 * <p>Publishing every message on one channel and settling confirms asynchronously is what lets Bus get near the
 * raw client's throughput: a channel per send (as spring-amqp's cached channels do with correlated confirms)
 * churns hundreds of channels a second. Returns (mandatory, unroutable) arrive before their confirm, so they are
 * recorded by message id and turn the following ack into an {@link Reason#UNROUTABLE} failure.
 */
final class ConfirmedChannel implements ConfirmListener, ReturnListener {

	private final Channel channel;

	private final ConcurrentSkipListMap<Long, PendingPublish> pending = new ConcurrentSkipListMap<>();

	private final Map<String, PendingPublish> pendingByMessageId = new ConcurrentHashMap<>();

	ConfirmedChannel(Channel channel) throws IOException {
		this.channel = channel;
		channel.confirmSelect();
		channel.addConfirmListener(this);
		channel.addReturnListener(this);
		channel.addShutdownListener(this::failAll);
	}

	boolean isOpen() {
		return this.channel.isOpen();
	}

	/** Publishes; the caller serialises calls, since sequence numbers must match publish order. */
	CompletableFuture<Void> publish(String exchange, Envelope envelope) throws IOException {
		long sequence = this.channel.getNextPublishSeqNo();
		PendingPublish publish = new PendingPublish(sequence, envelope.topic(), envelope.messageId());
		this.pending.put(sequence, publish);
		this.pendingByMessageId.put(envelope.messageId(), publish);
		publish.future.whenComplete((ignored, error) -> forget(publish));
		try {
			this.channel.basicPublish(exchange, envelope.topic(), true, envelope.properties(), envelope.body());
		}
		catch (IOException | RuntimeException ex) {
			publish.fail(Reason.CONNECTION_LOST, "publish failed: " + ex.getMessage(), ex);
			throw ex;
		}
		return publish.future;
	}

	int pendingCount() {
		return this.pending.size();
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
		settle(deliveryTag, multiple, Reason.NACKED);
	}

	@Override
	public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
			AMQP.BasicProperties properties, byte[] body) {
		PendingPublish publish = (properties.getMessageId() != null)
				? this.pendingByMessageId.get(properties.getMessageId()) : null;
		if (publish != null) {
			publish.returnedBecause = replyCode + " " + replyText + ": no queue is bound to exchange '" + exchange
					+ "' for topic '" + routingKey + "'";
		}
	}

	private void settle(long deliveryTag, boolean multiple, Reason failure) {
		if (!multiple) {
			PendingPublish publish = this.pending.get(deliveryTag);
			if (publish != null) {
				publish.settle(failure);
			}
			return;
		}
		for (PendingPublish publish : this.pending.headMap(deliveryTag, true).values()) {
			publish.settle(failure);
		}
	}

	private void failAll(ShutdownSignalException cause) {
		for (PendingPublish publish : this.pending.values()) {
			publish.fail(Reason.CONNECTION_LOST, "channel closed before the broker confirmed: " + cause.getMessage(),
					null);
		}
	}

	private void forget(PendingPublish publish) {
		this.pending.remove(publish.sequence);
		this.pendingByMessageId.remove(publish.messageId, publish);
	}

	private static final class PendingPublish {

		private final long sequence;

		private final String topic;

		private final String messageId;

		private final CompletableFuture<Void> future = new CompletableFuture<>();

		private volatile String returnedBecause;

		PendingPublish(long sequence, String topic, String messageId) {
			this.sequence = sequence;
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
			this.future.completeExceptionally(
					new BusPublishException(reason, this.topic, this.messageId, detail, cause));
		}

	}

}

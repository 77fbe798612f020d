package dev.bus.publisher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.scheduling.TaskScheduler;

import dev.bus.BusPublishException;
import dev.bus.core.batch.BatchCodec;
import dev.bus.core.batch.BatchEntry;
import dev.bus.observation.BusObservations;
import dev.bus.transport.Envelope;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.WireCodec;

/**
 * A {@link dev.bus.BusPublisher} that packs messages to the same topic into one AMQP
 * message, sent when it reaches {@code max-size} bytes or {@code max-messages} messages,
 * or when its first message has waited {@code linger}. One publish and one confirm then
 * carry many messages. Each message keeps its own headers and its own future, completed
 * when the batch is confirmed; listeners unpack batches and ack, filter and dead-letter
 * each message on its own. A message too large to share a batch is sent on its own.
 */
public class BatchingBusPublisher extends AbstractBusPublisher {

	private final String exchange;

	private final EnvelopeSender envelopeSender;

	private final TaskScheduler scheduler;

	private final int maxBytes;

	private final int maxMessages;

	private final Duration linger;

	private final Map<String, OpenBatch> openBatches = new HashMap<>();

	public BatchingBusPublisher(String exchange, EnvelopeFactory envelopeFactory, EnvelopeSender envelopeSender,
			BusObservations observations, TaskScheduler scheduler, int maxBytes, int maxMessages, Duration linger,
			Requests requester, PublishRouting routing) {
		super(envelopeFactory, observations, requester, routing);
		this.exchange = exchange;
		this.envelopeSender = envelopeSender;
		this.scheduler = scheduler;
		this.maxBytes = maxBytes;
		this.maxMessages = maxMessages;
		this.linger = linger;
	}

	@Override
	protected CompletableFuture<Void> send(Envelope envelope) {
		BatchEntry entry = WireCodec.toBatchEntry(envelope);
		if (BatchCodec.HEADER_SIZE + entry.encodedSize() > this.maxBytes) {
			return this.envelopeSender.send(this.exchange, envelope);
		}
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		add(envelope, entry, confirmed);
		return confirmed;
	}

	/** Sends every open batch now, e.g. on shutdown. */
	public void flush() {
		List<OpenBatch> batches;
		synchronized (this.openBatches) {
			batches = new ArrayList<>(this.openBatches.values());
			this.openBatches.clear();
		}
		batches.forEach(this::send);
	}

	private void add(Envelope envelope, BatchEntry entry, CompletableFuture<Void> confirmed) {
		String topic = envelope.topic();
		OpenBatch full = null;
		OpenBatch overflowed = null;
		synchronized (this.openBatches) {
			OpenBatch batch = this.openBatches.get(topic);
			if (batch != null && batch.bytes + entry.encodedSize() > this.maxBytes) {
				overflowed = this.openBatches.remove(topic);
				batch = null;
			}
			if (batch == null) {
				OpenBatch created = new OpenBatch(topic);
				batch = created;
				this.openBatches.put(topic, created);
				this.scheduler.schedule(() -> flushIfOpen(created), Instant.now().plus(this.linger));
			}
			batch.add(entry, envelope.messageId(), confirmed);
			if (batch.entries.size() >= this.maxMessages) {
				full = this.openBatches.remove(topic);
			}
		}
		if (overflowed != null) {
			send(overflowed);
		}
		if (full != null) {
			send(full);
		}
	}

	private void flushIfOpen(OpenBatch batch) {
		synchronized (this.openBatches) {
			if (!this.openBatches.remove(batch.topic, batch)) {
				return;
			}
		}
		send(batch);
	}

	private void send(OpenBatch batch) {
		Envelope envelope = WireCodec.batchOf(batch.topic, batch.entries);
		this.envelopeSender.send(this.exchange, envelope).whenComplete((ignored, error) -> {
			for (int i = 0; i < batch.confirmations.size(); i++) {
				String messageId = batch.messageIds.get(i);
				if (error == null) {
					batch.confirmations.get(i).complete(null);
				}
				else {
					batch.confirmations.get(i).completeExceptionally(forMessage(error, batch.topic, messageId));
				}
			}
		});
	}

	private static Throwable forMessage(Throwable error, String topic, String messageId) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		if (cause instanceof BusPublishException batchError) {
			return new BusPublishException(batchError.getReason(), topic, messageId,
					"its batch was not confirmed: " + batchError.getMessage(), batchError);
		}
		return cause;
	}

	private static final class OpenBatch {

		private final String topic;

		private final List<BatchEntry> entries = new ArrayList<>();

		private final List<String> messageIds = new ArrayList<>();

		private final List<CompletableFuture<Void>> confirmations = new ArrayList<>();

		private int bytes = BatchCodec.HEADER_SIZE;

		OpenBatch(String topic) {
			this.topic = topic;
		}

		void add(BatchEntry entry, String messageId, CompletableFuture<Void> confirmed) {
			this.entries.add(entry);
			this.messageIds.add(messageId);
			this.confirmations.add(confirmed);
			this.bytes += entry.encodedSize();
		}

	}

}

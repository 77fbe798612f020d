package dev.bus.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.bus.core.batch.BatchCodec;
import dev.bus.core.batch.BatchEntry;

/**
 * Where to encrypt a batch, measured apart from the rest of Bus: the raw client sends
 * Bus's batch format ({@link BatchCodec}, {@value #BATCH} logical messages per publish)
 * with AES-256-GCM (Tink, Bus's keyset type) either on each entry, as Bus does (each
 * entry its own IV and tag, bound to topic and message id, so a listener can dead-letter
 * one entry still encrypted), or on the whole batch body once (one IV and tag per
 * publish), or not at all. Same batching, same broker, same run: the difference between
 * the three is what the encryption layout costs. Not a Bus feature: whole-batch
 * encryption is not built (docs/security.md says why); this measures what it would save.
 */
final class BatchEncryptionContender implements Contender {

	static final int BATCH = 500;

	private static final String TOPIC = "bench.message";

	enum Layout {

		CLEAR("raw batches (clear)"), PER_MESSAGE("raw batches (AEAD per message)"),
		WHOLE_BATCH("raw batches (AEAD per batch)");

		final String contender;

		Layout(String contender) {
			this.contender = contender;
		}

	}

	private final ConnectionFactory factory = new ConnectionFactory();

	private final Layout layout;

	private final Aead aead;

	BatchEncryptionContender(String host, int port, Layout layout) {
		this.factory.setHost(host);
		this.factory.setPort(port);
		this.layout = layout;
		try {
			AeadConfig.register();
			this.aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
				.getPrimitive(RegistryConfiguration.get(), Aead.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String name() {
		return this.layout.contender;
	}

	/**
	 * Throughput scenarios only: a batch waits for its linger at a fixed rate, which
	 * would measure the linger.
	 */
	@Override
	public boolean supports(Scenario scenario) {
		return scenario.rate <= 0 && Contender.super.supports(scenario);
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String queue = "bench-batch-" + UUID.randomUUID();
		try (Connection publisherConnection = this.factory.newConnection("bench-batch-publisher");
				Connection consumerConnection = this.factory.newConnection("bench-batch-consumer")) {
			Channel consumer = consumerConnection.createChannel();
			consumer.queueDeclare(queue, true, false, false,
					scenario.quorum ? Map.of("x-queue-type", "quorum") : Map.of());
			consumer.basicQos(Math.max(1, PREFETCH / 50));
			consumer.exchangeDeclare(queue, "topic", true);
			consumer.queueBind(queue, queue, TOPIC);
			Latencies latencies = new Latencies(messages);
			consumer.basicConsume(queue, false, (tag, delivery) -> {
				List<byte[]> bodies;
				try {
					bodies = open(delivery.getProperties().getMessageId(), delivery.getBody());
				}
				catch (GeneralSecurityException ex) {
					throw new IllegalStateException("a batch did not decrypt", ex);
				}
				long now = System.nanoTime();
				for (byte[] body : bodies) {
					latencies.record(now - ByteBuffer.wrap(body).getLong());
				}
				consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
			}, (tag) -> {
			});

			Channel publisher = publisherConnection.createChannel();
			publisher.confirmSelect();
			Semaphore window = new Semaphore(Math.max(1, IN_FLIGHT / 50));
			AtomicLong confirmedUpTo = new AtomicLong();
			publisher.addConfirmListener(
					(sequence, multiple) -> window
						.release(RawClientContender.settled(confirmedUpTo, sequence, multiple)),
					(sequence, multiple) -> window
						.release(RawClientContender.settled(confirmedUpTo, sequence, multiple)));
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			for (int sent = 0; sent < messages; sent += BATCH) {
				int count = Math.min(BATCH, messages - sent);
				String batchId = UUID.randomUUID().toString();
				byte[] body = seal(batchId, count);
				window.acquire();
				AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(batchId)
					.contentType("application/vnd.bus.batch")
					.deliveryMode(scenario.persistent ? 2 : 1)
					.build();
				publisher.basicPublish(queue, TOPIC, true, properties, body);
			}
			latencies.await(5, TimeUnit.MINUTES, name() + " consumer");
			Measurement measurement = latencies.measurement(start, cpu);
			consumer.queueDelete(queue);
			consumer.exchangeDelete(queue);
			return measurement;
		}
	}

	/**
	 * A batch of {@code count} payloads, each stamped with its send time, encrypted as
	 * the layout says.
	 */
	private byte[] seal(String batchId, int count) throws GeneralSecurityException {
		List<BatchEntry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			byte[] payload = new byte[PAYLOAD_BYTES];
			ByteBuffer.wrap(payload).putLong(System.nanoTime());
			String id = UUID.randomUUID().toString();
			if (this.layout == Layout.PER_MESSAGE) {
				payload = this.aead.encrypt(payload, associatedData(id));
			}
			entries.add(new BatchEntry(Map.of("message-id", id), payload));
		}
		byte[] batch = BatchCodec.encode(entries);
		return (this.layout == Layout.WHOLE_BATCH) ? this.aead.encrypt(batch, associatedData(batchId)) : batch;
	}

	/** The payloads of a received batch, decrypted as the layout says. */
	private List<byte[]> open(String batchId, byte[] body) throws GeneralSecurityException {
		byte[] batch = (this.layout == Layout.WHOLE_BATCH) ? this.aead.decrypt(body, associatedData(batchId)) : body;
		List<BatchEntry> entries = BatchCodec.decode(batch);
		List<byte[]> payloads = new ArrayList<>(entries.size());
		for (BatchEntry entry : entries) {
			payloads.add((this.layout == Layout.PER_MESSAGE)
					? this.aead.decrypt(entry.body(), associatedData(entry.headers().get("message-id")))
					: entry.body());
		}
		return payloads;
	}

	/** As Bus binds a payload: {@code bus/v1}, topic and id. */
	private static byte[] associatedData(String id) {
		return ("bus/v1\u0000" + TOPIC + "\u0000" + id).getBytes(StandardCharsets.UTF_8);
	}

}

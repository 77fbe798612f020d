package dev.bus.bench;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;

/**
 * The ceiling: the RabbitMQ Java client used as PerfTest uses it. One publisher connection, one consumer
 * connection, asynchronous confirms with a bounded window, manual acks.
 */
final class RawClientContender implements Contender {

	private final ConnectionFactory factory = new ConnectionFactory();

	RawClientContender(String host, int port) {
		this.factory.setHost(host);
		this.factory.setPort(port);
	}

	@Override
	public String name() {
		return "raw amqp-client";
	}

	/** The ceiling in D too, so its ratios read like the others. */
	@Override
	public boolean supports(Scenario scenario) {
		return scenario != Scenario.E_OUTBOX;
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String queue = "bench-raw-" + UUID.randomUUID();
		try (Connection publisherConnection = this.factory.newConnection("bench-raw-publisher");
				Connection consumerConnection = this.factory.newConnection("bench-raw-consumer")) {
			Channel consumer = consumerConnection.createChannel();
			consumer.queueDeclare(queue, true, false, false,
					scenario.quorum ? Map.of("x-queue-type", "quorum") : Map.of());
			consumer.basicQos(PREFETCH);
			long[] latencies = new long[messages];
			AtomicInteger received = new AtomicInteger();
			CountDownLatch done = new CountDownLatch(1);
			AtomicLong end = new AtomicLong();
			consumer.basicConsume(queue, false, (tag, delivery) -> {
				long now = System.nanoTime();
				int index = received.getAndIncrement();
				if (index < messages) {
					latencies[index] = now - ByteBuffer.wrap(delivery.getBody()).getLong();
				}
				consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
				if (index == messages - 1) {
					end.set(now);
					done.countDown();
				}
			}, (tag) -> {
			});

			Channel publisher = publisherConnection.createChannel();
			publisher.confirmSelect();
			Semaphore window = new Semaphore(IN_FLIGHT);
			AtomicLong confirmedUpTo = new AtomicLong();
			publisher.addConfirmListener((sequence, multiple) -> window.release(settled(confirmedUpTo, sequence, multiple)),
					(sequence, multiple) -> window.release(settled(confirmedUpTo, sequence, multiple)));
			AMQP.BasicProperties properties = scenario.persistent ? MessageProperties.PERSISTENT_BASIC
					: MessageProperties.MINIMAL_BASIC;
			byte[] body = new byte[PAYLOAD_BYTES];
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				Contender.pace(start, i, scenario.rate);
				window.acquire();
				ByteBuffer.wrap(body).putLong(System.nanoTime());
				publisher.basicPublish("", queue, properties, body);
			}
			if (!done.await(5, TimeUnit.MINUTES)) {
				throw new IllegalStateException("raw consumer got " + received.get() + " of " + messages);
			}
			consumer.queueDelete(queue);
			return Measurement.of(messages, start, end.get(), latencies);
		}
	}

	/** Confirms settled by one ack or nack, tracking the highest sequence number seen. */
	private static int settled(AtomicLong confirmedUpTo, long sequence, boolean multiple) {
		if (!multiple) {
			confirmedUpTo.accumulateAndGet(sequence, Math::max);
			return 1;
		}
		long previous = confirmedUpTo.getAndAccumulate(sequence, Math::max);
		return (int) Math.max(0, sequence - previous);
	}

}

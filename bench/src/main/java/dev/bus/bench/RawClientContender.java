package dev.bus.bench;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;

import dev.bus.core.CloudEventsHeaders;

/**
 * The ceiling: the RabbitMQ Java client used as PerfTest uses it by default. One
 * publisher connection, one consumer connection, a direct exchange, asynchronous confirms
 * with a bounded window, manual acks, minimal properties. As "raw (Bus wire)" it sends
 * what Bus sends instead (topic exchange, mandatory flag, Bus's properties), which tells
 * the cost of Bus's envelope on the broker and in the client apart from the cost of Bus's
 * code; the steps in between and the CloudEvents headers Bus adds on request
 * ({@code --wire-breakdown}) say which part of the envelope costs what.
 */
final class RawClientContender implements Contender {

	private final ConnectionFactory factory = new ConnectionFactory();

	private final Wire wire;

	/**
	 * A signature per message on Bus's wire, checked by the consumer; {@code null} for
	 * none.
	 */
	private final MessageProof.Kind proof;

	RawClientContender(String host, int port, Wire wire) {
		this(host, port, wire, null);
	}

	RawClientContender(String host, int port, Wire wire, MessageProof.Kind proof) {
		this.factory.setHost(host);
		this.factory.setPort(port);
		this.wire = wire;
		this.proof = proof;
	}

	@Override
	public String name() {
		return (this.proof != null) ? "raw (Bus wire + " + this.proof + " proof per message)" : this.wire.contender;
	}

	/** The ceiling in D too, so its ratios read like the others. */
	@Override
	public boolean supports(Scenario scenario) {
		return scenario != Scenario.E_OUTBOX && scenario != Scenario.R_REQUEST_REPLY;
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
			Latencies latencies = new Latencies(messages);
			MessageProof[] proofs = (this.proof != null) ? MessageProof.pair(this.proof) : null;
			consumer.basicConsume(queue, false, (tag, delivery) -> {
				if (proofs != null) {
					verify(proofs[1], delivery);
				}
				latencies.record(System.nanoTime() - ByteBuffer.wrap(delivery.getBody()).getLong());
				consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
			}, (tag) -> {
			});

			// As PerfTest routes by default: a direct exchange, the queue bound with its
			// own name. Bus's wire goes
			// through a topic exchange, with the topic as routing key.
			String exchange = queue;
			boolean topic = this.wire.compareTo(Wire.TOPIC_EXCHANGE) >= 0;
			String routingKey = topic ? "bench.message" : queue;
			consumer.exchangeDeclare(exchange, topic ? "topic" : "direct", true);
			consumer.queueBind(queue, exchange, routingKey);
			Channel publisher = publisherConnection.createChannel();
			publisher.confirmSelect();
			Semaphore window = new Semaphore(IN_FLIGHT);
			AtomicLong confirmedUpTo = new AtomicLong();
			publisher.addConfirmListener(
					(sequence, multiple) -> window.release(settled(confirmedUpTo, sequence, multiple)),
					(sequence, multiple) -> window.release(settled(confirmedUpTo, sequence, multiple)));
			AMQP.BasicProperties properties = scenario.persistent ? MessageProperties.PERSISTENT_BASIC
					: MessageProperties.MINIMAL_BASIC;
			byte[] body = new byte[PAYLOAD_BYTES];
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				Contender.pace(start, i, scenario.rate);
				window.acquire();
				ByteBuffer.wrap(body).putLong(System.nanoTime());
				AMQP.BasicProperties sent = (this.wire.compareTo(Wire.BUS) >= 0)
						? busProperties(scenario.persistent, this.wire) : properties;
				if (proofs != null) {
					sent = sent.builder()
						.headers(Map.of(MessageProof.HEADER, proofs[0].sign(sent.getMessageId(), routingKey, body)))
						.build();
				}
				publisher.basicPublish(exchange, routingKey, this.wire.compareTo(Wire.MANDATORY) >= 0, sent, body);
			}
			latencies.await(5, TimeUnit.MINUTES, "raw consumer");
			Measurement measurement = latencies.measurement(start, cpu);
			consumer.queueDelete(queue);
			consumer.exchangeDelete(exchange);
			return measurement;
		}
	}

	/**
	 * Checks a delivery's proof, as a listener would before anything reads the message.
	 */
	private static void verify(MessageProof proof, com.rabbitmq.client.Delivery delivery) {
		Object signature = delivery.getProperties().getHeaders().get(MessageProof.HEADER);
		byte[] bytes = (signature instanceof com.rabbitmq.client.LongString text) ? text.getBytes()
				: (byte[]) signature;
		try {
			if (!proof.verify(delivery.getProperties().getMessageId(), delivery.getEnvelope().getRoutingKey(),
					delivery.getBody(), bytes)) {
				throw new IllegalStateException("a message's proof does not verify");
			}
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The properties (and headers) Bus's envelope carries, made anew per message as Bus
	 * does.
	 */
	private static AMQP.BasicProperties busProperties(boolean persistent, Wire wire) {
		String id = UUID.randomUUID().toString();
		java.time.Instant now = java.time.Instant.now();
		Map<String, Object> headers = null;
		if (wire == Wire.CLOUD_EVENTS_HEADERS) {
			headers = new java.util.HashMap<>();
			CloudEventsHeaders.write(headers, "ce-", id, "/bench", "bench.message", now.toString(), null);
		}
		else if (wire == Wire.ENCRYPTION_HEADER) {
			headers = Map.of(dev.bus.core.BusHeaders.ENCRYPTION, dev.bus.core.BusHeaders.ENCRYPTION_AEAD);
		}
		return new AMQP.BasicProperties.Builder().contentType("application/json")
			.deliveryMode(persistent ? 2 : 1)
			.messageId(id)
			.appId("/bench") // no type: it is the topic, as Bus leaves it out
			.timestamp(java.util.Date.from(now))
			.headers(headers)
			.build();
	}

	/**
	 * What goes on the wire, each step adding one part of Bus's envelope to PerfTest's
	 * minimal message.
	 */
	enum Wire {

		/**
		 * PerfTest's default: a direct exchange, no mandatory flag, only the delivery
		 * mode.
		 */
		PERFTEST("raw amqp-client"),

		/** Through a topic exchange, with a topic as routing key. */
		TOPIC_EXCHANGE("raw (topic exchange)"),

		/** And the mandatory flag. */
		MANDATORY("raw (topic + mandatory)"),

		/**
		 * And Bus's AMQP properties, each CloudEvents attribute once: exactly Bus's wire.
		 */
		BUS("raw (Bus wire)"),

		/**
		 * And the one header an encrypted message adds ({@code bus-encryption}), without
		 * encrypting.
		 */
		ENCRYPTION_HEADER("raw (Bus wire + bus-encryption header)"),

		/**
		 * And the CloudEvents headers Bus adds with
		 * {@code bus.publisher.cloud-events.headers=true}.
		 */
		CLOUD_EVENTS_HEADERS("raw (Bus wire + CloudEvents headers)");

		final String contender;

		Wire(String contender) {
			this.contender = contender;
		}

	}

	/** Confirms settled by one ack or nack, tracking the highest sequence number seen. */
	static int settled(AtomicLong confirmedUpTo, long sequence, boolean multiple) {
		if (!multiple) {
			confirmedUpTo.accumulateAndGet(sequence, Math::max);
			return 1;
		}
		long previous = confirmedUpTo.getAndAccumulate(sequence, Math::max);
		return (int) Math.max(0, sequence - previous);
	}

}

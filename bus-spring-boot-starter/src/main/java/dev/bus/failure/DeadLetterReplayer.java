package dev.bus.failure;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.Envelope;
import dev.bus.transport.QueueReader;
import dev.bus.transport.WireCodec;
import dev.bus.BusPublishException;

/**
 * Moves dead letters back to their listener: all of them, the first {@code count}, or the
 * one with a given message id. Each message is republished to the listener's queue
 * through the group's moves exchange and confirmed before it is removed from the
 * dead-letter queue, so a crash in between can only duplicate it, never lose it. Replayed
 * messages start again at attempt 1, keeping their failure history headers and gaining
 * {@code bus-replayed-at}; the listener then runs every check of a first delivery again.
 *
 * <p>
 * Only what this application put there, or what the broker dead-lettered from the
 * listener's queue, is replayed ({@link DeliveryOrigins#ofDeadLetter}), with the topic
 * and publisher verified then, never those a header claims: a message another client
 * pushed into the dead-letter queue, or one whose first delivery was refused as
 * untrusted, stays there and is counted as refused.
 *
 * <p>
 * Messages passed over (not the requested id, or refused) are held unacknowledged while
 * the queue is scanned and then returned to it, so a replay looks at each message present
 * when it started exactly once.
 */
public class DeadLetterReplayer {

	/** Header set on replayed messages: when they were replayed. */
	public static final String REPLAYED_AT = "bus-replayed-at";

	private static final Log logger = LogFactory.getLog(DeadLetterReplayer.class);

	private final QueueReader queues;

	private final EnvelopeSender publisher;

	private final DeliveryOrigins origins;

	public DeadLetterReplayer(QueueReader queues, EnvelopeSender publisher, DeliveryOrigins origins) {
		this.origins = origins;
		this.queues = queues;
		this.publisher = publisher;
	}

	/** Messages waiting in a listener's dead-letter queue. */
	public long count(ListenerQueues listener) {
		try {
			return this.queues.count(listener.deadLetterQueue());
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Cannot count dead letters of '" + listener.id() + "': " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Replays dead letters.
	 * @param messageId replay only the message with this id; {@code null} for any
	 * @param limit replay at most this many; {@code null} or below 1 for all
	 * @return how many were replayed, and how many were refused
	 */
	public Replayed replay(ListenerQueues listener, String messageId, Integer limit) {
		return replay(listener, new DeadLetterSelection(messageId, null, null), limit);
	}

	/**
	 * Replays the dead letters a selection takes: by id, or a group (those that failed
	 * for one reason, or with one exception), up to {@code limit}.
	 * @param limit replay at most this many; {@code null} or below 1 for all
	 * @return how many were replayed, and how many were refused
	 */
	public Replayed replay(ListenerQueues listener, DeadLetterSelection selection, Integer limit) {
		int wanted = (limit == null || limit < 1) ? Integer.MAX_VALUE : limit;
		Replayed result;
		try {
			// what is passed over (another id, or refused) goes back to the queue when
			// the
			// reading ends
			result = this.queues.read(listener.deadLetterQueue(), (session) -> {
				long present = session.count();
				int replayed = 0;
				int refused = 0;
				for (long seen = 0; seen < present && replayed < wanted; seen++) {
					QueueReader.Taken taken = session.take();
					if (taken == null) {
						break;
					}
					if (!selection.takes(taken.properties())) {
						continue;
					}
					MessageProperties properties = WireCodec.delivered(taken.properties(), taken.envelope());
					DeliveryOrigin origin = this.origins.ofDeadLetter(properties, listener);
					if (!origin.trusted()) {
						logger.warn("Not replaying dead letter " + LogValues.escape(properties.getMessageId())
								+ " of listener '" + listener.id() + "': " + origin.refusal());
						refused++;
						continue;
					}
					republish(listener, taken, properties, origin);
					session.ack(taken);
					replayed++;
				}
				return new Replayed(replayed, refused);
			});
		}
		catch (IOException ex) {
			throw new IllegalStateException("Replay of '" + listener.id() + "' failed: " + ex.getMessage(), ex);
		}
		logger.info("Replayed " + result.replayed() + " dead letter(s) of listener '" + listener.id() + "'"
				+ ((result.refused() > 0) ? ", refused " + result.refused() : ""));
		return result;
	}

	private void republish(ListenerQueues listener, QueueReader.Taken taken, MessageProperties received,
			DeliveryOrigin origin) {
		AMQP.BasicProperties original = taken.properties();
		Map<String, Object> headers = MoveHeaders.of((original.getHeaders() != null) ? original.getHeaders() : Map.of(),
				origin);
		headers.put(BusHeaders.ATTEMPT, 1);
		headers.put(REPLAYED_AT, Instant.now().toString());
		// sent as this application's broker user (the publisher stamps it); the first
		// publisher is in the headers
		AMQP.BasicProperties properties = original.builder().headers(headers).userId(null).deliveryMode(2).build();
		String id = (received.getMessageId() != null) ? LogValues.escape(received.getMessageId()) : "(none)";
		try {
			this.publisher.sendAndAwait(listener.movesExchange(),
					new Envelope(listener.queue(), id, properties, taken.body()));
		}
		catch (BusPublishException ex) {
			throw new IllegalStateException("Broker did not confirm replayed message " + id + "; it stays in '"
					+ listener.deadLetterQueue() + "'", ex);
		}
	}

	/**
	 * What a replay did.
	 *
	 * @param replayed messages moved back to the listener
	 * @param refused messages left in the dead-letter queue because they were not this
	 * application's to replay
	 */
	public record Replayed(int replayed, int refused) {
	}

}

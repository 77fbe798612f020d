package dev.bus.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.rabbitmq.client.AMQP;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.operations.DeadLetter;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.CloudEventsHeaders;
import dev.bus.core.LogValues;
import dev.bus.transport.QueueReader;
import dev.bus.transport.WireCodec;

/**
 * Lists a listener's dead letters without consuming them: what an operator reads before
 * replaying or discarding them; and discards them, by id or by group, for good. The first
 * messages of the dead-letter queue are taken in one reading session and all go back to
 * it, in order, when the session ends; nothing is acknowledged, so the queue holds what
 * it held, and a count, a replay or a discard that follows sees them.
 *
 * <p>
 * What a dead letter shows is what the broker verified or this application wrote: its
 * topic and publisher as a replay would judge them ({@link DeliveryOrigins#ofDeadLetter};
 * {@link DeadLetter#replayable()} is false for one a replay would refuse, with why), the
 * failure Bus recorded, and the trace id. Never shown: the per-message token and its
 * proof, the keyset headers, and the payload of an encrypted message (nothing here
 * decrypts; its body is ciphertext). A clear payload is shown as text when its content
 * type is JSON or text, cut at {@value #PAYLOAD_PREVIEW_BYTES} bytes.
 *
 * <p>
 * On a quorum dead-letter queue each listing counts as a delivery of the messages it
 * shows ({@code x-delivery-count}); Bus declares its dead-letter queues without a
 * delivery limit, which RabbitMQ 3.x does not impose (RabbitMQ 4.x gives quorum queues a
 * default limit of 20: docs/starter.md, "Dead letters").
 */
public class DeadLetterBrowser {

	private static final Log logger = LogFactory.getLog(DeadLetterBrowser.class);

	/** The most a listing shows at once. */
	public static final int MAX_LIMIT = 500;

	/**
	 * How much of a clear payload a dead letter shows: enough to recognise a message, not
	 * a way to export a queue.
	 */
	public static final int PAYLOAD_PREVIEW_BYTES = 4096;

	/** Headers that carry a credential or key material: never shown. */
	private static final Set<String> SECRET_HEADERS = Set.of(BusHeaders.AUTHORIZATION, BusHeaders.PROOF,
			BusHeaders.PROOF_PATH, BusHeaders.ENCRYPTION_AEAD, BusHeaders.ENCRYPTION_AEAD_PUBLISHER);

	/** Shown as fields of their own, or summarised by them ({@code x-death}). */
	private static final Set<String> SUMMARISED_HEADERS = Set.of("x-death", BusHeaders.FAILURE_REASON,
			BusHeaders.FAILURE_EXCEPTION, BusHeaders.FAILURE_MESSAGE, BusHeaders.FIRST_FAILURE_TIME,
			BusHeaders.LAST_FAILURE_TIME, BusHeaders.ATTEMPT, BusHeaders.TRACEPARENT);

	private final QueueReader queues;

	private final DeliveryOrigins origins;

	public DeadLetterBrowser(QueueReader queues, DeliveryOrigins origins) {
		this.queues = queues;
		this.origins = origins;
	}

	/**
	 * The first {@code limit} dead letters of a listener (at most {@value #MAX_LIMIT}),
	 * oldest first, left in place.
	 */
	public List<DeadLetter> list(ListenerQueues listener, int limit) {
		int wanted = Math.max(1, Math.min(limit, MAX_LIMIT));
		try {
			return this.queues.read(listener.deadLetterQueue(), (session) -> {
				List<DeadLetter> shown = new ArrayList<>();
				while (shown.size() < wanted) {
					QueueReader.Taken taken = session.take();
					if (taken == null) {
						break;
					}
					shown.add(describe(listener, taken));
				}
				return shown;
			});
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot list the dead letters of '" + listener.id() + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Removes the dead letters a selection takes, for good (an operator's decision, so a
	 * selection must name something). What is passed over goes back to the queue, in
	 * order.
	 * @return how many were removed
	 */
	public int discard(ListenerQueues listener, DeadLetterSelection selection) {
		if (selection.isEmpty()) {
			throw new IllegalArgumentException(
					"a discard names the dead letters it removes: a message id, a reason " + "or an exception");
		}
		int discarded;
		try {
			discarded = this.queues.read(listener.deadLetterQueue(), (session) -> {
				long present = session.count();
				int removed = 0;
				for (long seen = 0; seen < present; seen++) {
					QueueReader.Taken taken = session.take();
					if (taken == null) {
						break;
					}
					if (selection.takes(taken.properties())) {
						session.ack(taken);
						removed++;
					}
				}
				return removed;
			});
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot discard dead letters of '" + listener.id() + "': " + ex.getMessage(), ex);
		}
		if (discarded > 0) {
			logger.info("Discarded " + discarded + " dead letter(s) of listener '" + listener.id() + "' ("
					+ LogValues.escape(String.valueOf(selection)) + ")");
		}
		return discarded;
	}

	private static String idOf(QueueReader.Taken taken) {
		AMQP.BasicProperties properties = taken.properties();
		return (properties.getMessageId() != null) ? properties.getMessageId() : CloudEventsHeaders
			.read((properties.getHeaders() != null) ? properties.getHeaders() : Map.of(), CloudEventsHeaders.ID);
	}

	private DeadLetter describe(ListenerQueues listener, QueueReader.Taken taken) {
		MessageProperties properties = WireCodec.delivered(taken.properties(), taken.envelope());
		Map<String, Object> headers = properties.getHeaders();
		DeliveryOrigin origin = this.origins.ofDeadLetter(properties, listener);
		boolean encrypted = headers.containsKey(BusHeaders.ENCRYPTION);
		return new DeadLetter(idOf(taken), origin.topic(), origin.publisher(), origin.trusted(), origin.refusal(),
				properties.getType(), text(headers.get(BusHeaders.FAILURE_REASON)),
				text(headers.get(BusHeaders.FAILURE_EXCEPTION)), text(headers.get(BusHeaders.FAILURE_MESSAGE)),
				number(headers.get(BusHeaders.ATTEMPT)), text(headers.get(BusHeaders.FIRST_FAILURE_TIME)),
				text(headers.get(BusHeaders.LAST_FAILURE_TIME)), traceId(headers.get(BusHeaders.TRACEPARENT)),
				taken.body().length, properties.getContentType(), encrypted,
				encrypted ? null : payload(properties.getContentType(), taken.body()), otherHeaders(headers));
	}

	private static String payload(String contentType, byte[] body) {
		if (!isText(contentType)) {
			return null;
		}
		int shown = Math.min(body.length, PAYLOAD_PREVIEW_BYTES);
		String text = new String(body, 0, shown, StandardCharsets.UTF_8);
		return (shown < body.length) ? text + "…" : text;
	}

	private static boolean isText(String contentType) {
		if (contentType == null) {
			return false;
		}
		String type = contentType.toLowerCase(Locale.ROOT);
		return BusContentTypes.isJson(type) || type.startsWith("text/");
	}

	/**
	 * The headers not shown as fields, as text; secrets left out, and a confidential
	 * header's value (ciphertext) replaced by {@code (encrypted)}.
	 */
	private static Map<String, String> otherHeaders(Map<String, Object> headers) {
		Object confidential = headers.get(BusHeaders.ENCRYPTED_HEADERS);
		Set<String> encrypted = (confidential != null) ? Set.of(confidential.toString().split(",")) : Set.of();
		Map<String, String> shown = new TreeMap<>();
		headers.forEach((name, value) -> {
			if (SECRET_HEADERS.contains(name) || SUMMARISED_HEADERS.contains(name) || value == null) {
				return;
			}
			shown.put(name, encrypted.contains(name) ? "(encrypted)" : value.toString());
		});
		return shown;
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static Integer number(Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		try {
			return (value != null) ? Integer.valueOf(value.toString()) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * The trace id of a W3C {@code traceparent}
	 * ({@code 00-<trace id>-<span id>-<flags>}), for a link to the trace backend.
	 */
	static String traceId(Object traceparent) {
		String value = (traceparent != null) ? traceparent.toString() : "";
		String[] parts = value.split("-");
		return (parts.length == 4 && parts[1].length() == 32) ? parts[1] : null;
	}

}

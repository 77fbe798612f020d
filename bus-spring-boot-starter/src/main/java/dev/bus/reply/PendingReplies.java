package dev.bus.reply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusRequestException;
import dev.bus.BusRequestException.Reason;
import dev.bus.MessageRejectedException;
import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.support.JsonMismatch;

/**
 * The requests waiting for their reply, by correlation id (the request's message id): a
 * reply goes through the {@link ReplyReception} (token, decryption, tracing) as a message
 * of the request's topic, then completes its request's future, decoded as the expected
 * type; an error reply fails it with the responder's error class and message; a reply the
 * reception refuses fails it as {@link Reason#REPLY_REFUSED}; a reply for no waiting
 * request (it timed out, or it was never ours) is dropped and counted.
 */
public class PendingReplies {

	private static final Log logger = LogFactory.getLog(PendingReplies.class);

	private final JsonMapper jsonMapper;

	private final ReplyReception reception;

	private final Map<String, Pending<?>> pending = new ConcurrentHashMap<>();

	private final AtomicLong lateReplies = new AtomicLong();

	/** Replies decoded as they arrive, through no receive chain. */
	public PendingReplies(JsonMapper jsonMapper) {
		this(jsonMapper, ReplyReception.NONE);
	}

	public PendingReplies(JsonMapper jsonMapper, ReplyReception reception) {
		this.jsonMapper = jsonMapper;
		this.reception = reception;
	}

	/**
	 * Waits for the reply to the request with this correlation id.
	 * @return a future completed by the reply, failed as {@link Reason#TIMEOUT} after
	 * {@code timeout}
	 */
	<R> CompletableFuture<R> expect(String correlationId, String topic, Class<R> replyType, Duration timeout) {
		CompletableFuture<R> reply = new CompletableFuture<>();
		this.pending.put(correlationId, new Pending<>(reply, replyType, topic));
		CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
			.execute(() -> fail(correlationId, new BusRequestException(Reason.TIMEOUT, topic,
					"no reply within " + timeout.toMillis() + " ms", null, null)));
		return reply;
	}

	/** Fails a waiting request (its publish failed, or it timed out). */
	void fail(String correlationId, BusRequestException failure) {
		Pending<?> request = this.pending.remove(correlationId);
		if (request != null) {
			request.reply().completeExceptionally(failure);
		}
	}

	/** A delivery on the direct reply-to pseudo-queue. */
	public void deliver(AMQP.BasicProperties properties, byte[] body) {
		Pending<?> request = (properties.getCorrelationId() != null)
				? this.pending.remove(properties.getCorrelationId()) : null;
		if (request == null) {
			this.lateReplies.incrementAndGet();
			logger.debug("Dropped a reply for no waiting request (correlation id "
					+ LogValues.escape(properties.getCorrelationId()) + "): it came after the request's timeout");
			return;
		}
		try {
			this.reception.receive(request.topic(), properties, body,
					(received) -> request.complete(properties, received, this.jsonMapper));
		}
		catch (MessageRejectedException ex) {
			logger.warn("Refused the reply to request " + LogValues.escape(properties.getCorrelationId()) + " (topic '"
					+ LogValues.escape(request.topic()) + "'): " + ex.getReason() + ": " + ex.getMessage());
			request.reply()
				.completeExceptionally(new BusRequestException(Reason.REPLY_REFUSED, request.topic(),
						"the reply was refused: " + ex.getReason() + ": " + ex.getMessage(), null, ex));
		}
	}

	/** Replies dropped since start-up because their request was no longer waiting. */
	public long lateReplies() {
		return this.lateReplies.get();
	}

	private record Pending<R>(CompletableFuture<R> reply, Class<R> type, String topic) {

		void complete(AMQP.BasicProperties properties, byte[] body, JsonMapper jsonMapper) {
			Map<String, Object> headers = properties.getHeaders();
			Object error = (headers != null) ? headers.get(BusHeaders.REPLY_ERROR) : null;
			if (error != null) {
				Object message = headers.get(BusHeaders.REPLY_ERROR_MESSAGE);
				this.reply.completeExceptionally(new BusRequestException(Reason.RESPONDER_FAILED, this.topic,
						"the responder threw " + error + ": " + message, error.toString(), null));
				return;
			}
			try {
				this.reply.complete(jsonMapper.readValue(body, this.type));
			}
			catch (JacksonException ex) {
				this.reply.completeExceptionally(new BusRequestException(Reason.REPLY_MISMATCH, this.topic,
						"the reply is not a " + this.type.getSimpleName() + ": " + JsonMismatch.describe(ex), null,
						null));
			}
		}

	}

}

package dev.bus.publisher;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import org.springframework.amqp.core.MessageProperties;
import io.micrometer.observation.Observation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.MessageRejectedException;
import dev.bus.OutboundMessage;
import dev.bus.core.BusContentTypes;
import dev.bus.core.BusHeaders;
import dev.bus.core.CloudEventsHeaders;
import dev.bus.observation.BusObservations;
import dev.bus.transport.Envelope;

/**
 * Turns an {@link OutboundMessage} into a sealed {@link Envelope}: JSON body, persistent
 * delivery (unless turned off), the CloudEvents 1.0 attributes each once in the AMQP
 * property with its meaning (message id, logical type, source as {@code app_id},
 * timestamp; the subject, which has no property, as {@value BusHeaders#SUBJECT}), and as
 * headers too only when asked ({@code bus.publisher.cloud-events.headers}), then the
 * {@link PublishChain}, then the size check on what will really be sent. No Java class
 * name ever reaches the wire, so any AMQP client can read what Bus publishes.
 *
 * <p>
 * Why not the headers by default: on a quorum queue the header table goes into the Raft
 * log with every message, and five headers repeating five properties cost the broker more
 * per message than the properties themselves (docs/BENCHMARKS.md, "raw (Bus wire)"
 * against "raw (Bus properties)").
 */
public class EnvelopeFactory {

	private final JsonMapper jsonMapper;

	private final String source;

	private final long maxMessageSize;

	private final int deliveryMode;

	private final PublishChain chain;

	private final String cloudEventsPrefix;

	private final EventTimeFormat eventTime = new EventTimeFormat();

	private final EnvelopeSigner signer;

	/** Without CloudEvents headers. */
	public EnvelopeFactory(JsonMapper jsonMapper, String source, long maxMessageSize, boolean persistent,
			PublishChain chain) {
		this(jsonMapper, source, maxMessageSize, persistent, chain, null);
	}

	/**
	 * @param cloudEventsPrefix prefix of the CloudEvents headers to write besides the
	 * properties (one of {@link CloudEventsHeaders#PREFIXES}), {@code null} for none
	 */
	public EnvelopeFactory(JsonMapper jsonMapper, String source, long maxMessageSize, boolean persistent,
			PublishChain chain, String cloudEventsPrefix) {
		this(jsonMapper, source, maxMessageSize, persistent, chain, cloudEventsPrefix, EnvelopeSigner.NONE);
	}

	/**
	 * @param cloudEventsPrefix prefix of the CloudEvents headers to write besides the
	 * properties (one of {@link CloudEventsHeaders#PREFIXES}), {@code null} for none
	 * @param signer what proves each sealed envelope's sender ({@link #signThenSend})
	 */
	public EnvelopeFactory(JsonMapper jsonMapper, String source, long maxMessageSize, boolean persistent,
			PublishChain chain, String cloudEventsPrefix, EnvelopeSigner signer) {
		this.signer = signer;
		this.jsonMapper = jsonMapper;
		this.source = source;
		this.maxMessageSize = maxMessageSize;
		this.deliveryMode = persistent ? 2 : 1;
		this.chain = chain;
		this.cloudEventsPrefix = cloudEventsPrefix;
	}

	/**
	 * Builds the envelope, runs the chain and seals it.
	 * @return the processed message; its {@link OutgoingEnvelope#envelope()} is ready to
	 * send, and its {@link OutgoingEnvelope#settle} must be called with the outcome
	 * @throws BusPublishException when the payload cannot be serialised, an element
	 * rejects the message (the elements' callbacks have then been settled) or it is too
	 * large
	 */
	public OutgoingEnvelope create(OutboundMessage message) {
		return create(message, Addressing.TOPIC);
	}

	/**
	 * Builds the envelope, runs the chain and seals it with {@code addressing}.
	 * @see #create(OutboundMessage)
	 */
	public OutgoingEnvelope create(OutboundMessage message, Addressing addressing) {
		return build(message, addressing, Map.of());
	}

	/**
	 * Builds the envelope inside the publish's observation: with the trace headers a
	 * handler put in it when it started, its body size recorded once sealed, and the
	 * observation settled with the envelope ({@link OutgoingEnvelope#settle}), or at once
	 * with the failure when the envelope cannot be built.
	 * @see #create(OutboundMessage)
	 */
	public OutgoingEnvelope create(OutboundMessage message, Addressing addressing, Observation observation) {
		OutgoingEnvelope outgoing;
		try {
			outgoing = build(message, addressing, BusObservations.traceHeaders(observation));
		}
		catch (BusPublishException ex) {
			BusObservations.publishSettled(observation, ex);
			throw ex;
		}
		if (!observation.isNoop()) {
			BusObservations.publishSealed(observation, outgoing.envelope().body().length);
			outgoing.onSettled((error) -> BusObservations.publishSettled(observation, error));
		}
		return outgoing;
	}

	private OutgoingEnvelope build(OutboundMessage message, Addressing addressing, Map<String, Object> traceHeaders) {
		OutgoingEnvelope outgoing = draft(message, traceHeaders);
		try {
			this.chain.apply(outgoing);
			int size = outgoing.body().length;
			if (size > this.maxMessageSize) {
				throw new BusPublishException(Reason.OVERSIZE, message.topic(), message.messageId(),
						size + " bytes exceed bus.publisher.max-message-size (" + this.maxMessageSize + " bytes)",
						null);
			}
		}
		catch (MessageRejectedException ex) {
			BusPublishException rejected = new BusPublishException(Reason.REJECTED, message.topic(),
					message.messageId(), ex.getReason() + ": " + ex.getMessage(), ex);
			outgoing.settle(rejected);
			throw rejected;
		}
		catch (BusPublishException ex) {
			outgoing.settle(ex);
			throw ex;
		}
		outgoing.seal(this.deliveryMode, addressing);
		return outgoing;
	}

	/**
	 * Sends a sealed envelope once the {@link EnvelopeSigner} has signed it: at once when
	 * the signer answers at once, else later on the signer's thread, in the order
	 * envelopes were signed. The future fails with the signer's or the send's own
	 * exception, unwrapped, as the send alone would.
	 * @param send what sends the signed envelope, returning its confirm
	 * @param onCallerThread whether {@code send} must run on the calling thread (inside
	 * its transaction)
	 */
	public CompletableFuture<Void> signThenSend(Envelope envelope, Function<Envelope, CompletableFuture<Void>> send,
			boolean onCallerThread) {
		if (onCallerThread) {
			Envelope signedNow;
			try {
				signedNow = this.signer.signNow(envelope);
			}
			catch (BusPublishException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return send.apply(signedNow);
		}
		CompletableFuture<Envelope> signed = this.signer.sign(envelope);
		if (signed.isDone() && !signed.isCompletedExceptionally()) {
			return send.apply(signed.join());
		}
		CompletableFuture<Void> sent = new CompletableFuture<>();
		signed.whenComplete((proved, signError) -> {
			if (signError != null) {
				sent.completeExceptionally(unwrap(signError));
				return;
			}
			CompletableFuture<Void> confirmed;
			try {
				confirmed = send.apply(proved);
			}
			catch (RuntimeException ex) {
				// on the signer's thread, nobody else would see it: the publish fails
				// with it
				sent.completeExceptionally(ex);
				return;
			}
			confirmed.whenComplete((ignored, sendError) -> {
				if (sendError != null) {
					sent.completeExceptionally(unwrap(sendError));
				}
				else {
					sent.complete(null);
				}
			});
		});
		return sent;
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

	private OutgoingEnvelope draft(OutboundMessage message, Map<String, Object> traceHeaders) {
		byte[] body = serialize(message);
		Instant now = Instant.now();
		Map<String, Object> headers = new HashMap<>(message.headers());
		headers.putAll(traceHeaders);
		if (this.cloudEventsPrefix != null) {
			CloudEventsHeaders.write(headers, this.cloudEventsPrefix, message.messageId(), this.source, message.type(),
					this.eventTime.format(now), message.subject());
		}
		else if (message.subject() != null) {
			headers.put(BusHeaders.SUBJECT, message.subject());
		}
		if (message.partitionKey() != null) {
			headers.put(BusHeaders.PARTITION_KEY, message.partitionKey());
		}
		if (!message.confidentialHeaders().isEmpty()) {
			// The encrypting element encrypts these values; the chain's last element
			// refuses them in clear.
			headers.put(BusHeaders.ENCRYPTED_HEADERS, String.join(",", message.confidentialHeaders()));
		}
		return new OutgoingEnvelope(message.topic(), message.messageId(), message.type(), this.source, now, headers,
				body,
				(message.payload() instanceof byte[]) ? MessageProperties.CONTENT_TYPE_BYTES : BusContentTypes.JSON);
	}

	/**
	 * The payload as JSON; a {@code byte[]} payload as it is, so that a receiver that
	 * reads bytes (an MQTT device taking a command, a listener with a {@code byte[]}
	 * parameter) gets exactly those bytes.
	 */
	private byte[] serialize(OutboundMessage message) {
		if (message.payload() instanceof byte[] bytes) {
			return bytes;
		}
		try {
			return this.jsonMapper.writeValueAsBytes(message.payload());
		}
		catch (JacksonException ex) {
			throw new BusPublishException(Reason.SERIALIZATION_FAILED, message.topic(), message.messageId(),
					"payload of type " + message.payload().getClass().getSimpleName() + " is not serialisable to JSON: "
							+ ex.getOriginalMessage(),
					null);
		}
	}

}

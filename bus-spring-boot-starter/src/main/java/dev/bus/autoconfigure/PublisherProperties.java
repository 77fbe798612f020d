package dev.bus.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

import dev.bus.core.CloudEventsHeaders;

import static dev.bus.autoconfigure.PropertyChecks.atLeast;
import static dev.bus.autoconfigure.PropertyChecks.positive;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/** Publishing. */
public class PublisherProperties {

	/**
	 * How long a publish waits for the broker's confirm before its future fails with a
	 * timeout. Checked every tenth of this (at most every second), so the failure comes
	 * up to 10% later.
	 */
	private Duration confirmTimeout = Duration.ofSeconds(10);

	/**
	 * Largest serialised message the publisher sends; larger ones fail before reaching
	 * the broker.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * Whether messages are published persistent (delivery mode 2), surviving a broker
	 * restart in durable queues. Turn off only for data that may be lost, such as
	 * frequent telemetry.
	 */
	private boolean persistent = true;

	private final Batching batching = new Batching();

	private final CloudEvents cloudEvents = new CloudEvents();

	public CloudEvents getCloudEvents() {
		return this.cloudEvents;
	}

	public boolean isPersistent() {
		return this.persistent;
	}

	public void setPersistent(boolean persistent) {
		this.persistent = persistent;
	}

	public Duration getConfirmTimeout() {
		return this.confirmTimeout;
	}

	public void setConfirmTimeout(Duration confirmTimeout) {
		this.confirmTimeout = confirmTimeout;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Batching getBatching() {
		return this.batching;
	}

	/** Checks the values at binding time, under {@code bus.publisher}. */
	void validate(Errors errors) {
		positive(errors, "confirmTimeout", getConfirmTimeout());
		positive(errors, "maxMessageSize", getMaxMessageSize());
		Batching batching = getBatching();
		if (batching.isEnabled() && (batching.getMaxSize() == null || batching.getMaxSize().toBytes() < 1024
				|| (getMaxMessageSize() != null && batching.getMaxSize().toBytes() > getMaxMessageSize().toBytes()))) {
			reject(errors, "batching.maxSize", "range", "must be between 1KB and bus.publisher.max-message-size");
		}
		atLeast(errors, "batching.maxMessages", batching.getMaxMessages(), 1);
		if (batching.getLinger() == null || batching.getLinger().isNegative()) {
			reject(errors, "batching.linger", "negative", "must not be negative");
		}
		if (!CloudEventsHeaders.PREFIXES.contains(getCloudEvents().getPrefix())) {
			reject(errors, "cloudEvents.prefix", "unknown",
					"must be one of " + String.join(", ", CloudEventsHeaders.PREFIXES));
		}
	}

	/**
	 * CloudEvents attributes as headers too, for consumers that read CloudEvents from
	 * headers rather than from the AMQP properties where Bus puts each attribute once.
	 */
	public static class CloudEvents {

		/**
		 * Whether published messages also carry the CloudEvents attributes as headers
		 * (id, source, type, specversion, time with milliseconds, subject), about 150
		 * bytes more per message, which a quorum queue writes to its log with the
		 * message.
		 */
		private boolean headers = false;

		/**
		 * Prefix of those headers: {@code ce-} (the CloudEvents SDK's Spring messaging
		 * converter), {@code ce_} (the Kafka binding, Spring Cloud Function's default,
		 * and Bus's envelope before it went compact), {@code cloudEvents:} or
		 * {@code cloudEvents_} (the CloudEvents AMQP binding). Listeners read all four.
		 */
		private String prefix = "ce-";

		public boolean isHeaders() {
			return this.headers;
		}

		public void setHeaders(boolean headers) {
			this.headers = headers;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

	}

	/** Opt-in batching: many small messages to one topic packed into one AMQP message. */
	public static class Batching {

		/**
		 * Whether the auto-configured BusPublisher packs messages into batches. Listeners
		 * unpack batches whether or not this is on.
		 */
		private boolean enabled = false;

		/**
		 * Upper bound of one batch message's body; a batch is sent as soon as the next
		 * message would exceed it. The default keeps a batch within a few network
		 * packets.
		 */
		private DataSize maxSize = DataSize.ofKilobytes(32);

		/**
		 * Most logical messages in one batch.
		 */
		private int maxMessages = 500;

		/**
		 * How long the first message of a batch may wait for others before the batch is
		 * sent.
		 */
		private Duration linger = Duration.ofMillis(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public int getMaxMessages() {
			return this.maxMessages;
		}

		public void setMaxMessages(int maxMessages) {
			this.maxMessages = maxMessages;
		}

		public Duration getLinger() {
			return this.linger;
		}

		public void setLinger(Duration linger) {
			this.linger = linger;
		}

	}

}

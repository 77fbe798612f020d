package dev.bus;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.bus.core.MessageIds;
import dev.bus.core.TopicPattern;

/**
 * A message to publish: topic, payload and optional metadata. Build one with
 * {@link #builder(String, Object)}.
 *
 * @param topic concrete topic (routing key)
 * @param payload the event, serialised as JSON
 * @param messageId unique id; consumers use it for de-duplication
 * @param type logical event type (the {@code type} property, left out when it is the
 * topic); never a Java class name
 * @param partitionKey key whose messages ordered listeners handle in publish order; may
 * be {@code null}
 * @param subject CloudEvents subject, e.g. the id of the order; may be {@code null}
 * @param headers extra application headers (strings), readable by plain AMQP clients
 * @param confidentialHeaders names of headers whose values travel encrypted like the
 * payload (the topic must be encrypted, or the publish is refused); listeners see them in
 * clear, the broker and other readers do not
 */
public record OutboundMessage(String topic, Object payload, String messageId, String type, String partitionKey,
		String subject, Map<String, String> headers, Set<String> confidentialHeaders) {

	public OutboundMessage {
		TopicPattern.requireTopic(topic);
		Objects.requireNonNull(payload, "payload must not be null");
		Objects.requireNonNull(messageId, "messageId must not be null");
		Objects.requireNonNull(type, "type must not be null");
		headers = Map.copyOf(headers);
		confidentialHeaders = Set.copyOf(confidentialHeaders);
		if (!headers.keySet().containsAll(confidentialHeaders)) {
			throw new IllegalArgumentException("confidential headers must be headers of the message");
		}
	}

	/**
	 * This message on another topic, naming the routing rule that sent it there in
	 * {@code bus-routed-by}.
	 */
	public OutboundMessage routedTo(String target, String routedBy) {
		Map<String, String> routedHeaders = new LinkedHashMap<>(this.headers);
		routedHeaders.put(dev.bus.core.BusHeaders.ROUTED_BY, routedBy);
		return new OutboundMessage(target, this.payload, this.messageId, this.type, this.partitionKey, this.subject,
				routedHeaders, this.confidentialHeaders);
	}

	public static Builder builder(String topic, Object payload) {
		return new Builder(topic, payload);
	}

	/**
	 * Builds an {@link OutboundMessage}; unset id defaults to a new time-ordered UUID
	 * ({@link MessageIds}) and unset type to the topic.
	 */
	public static final class Builder {

		private final String topic;

		private final Object payload;

		private String messageId;

		private String type;

		private String partitionKey;

		private String subject;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private final Set<String> confidentialHeaders = new LinkedHashSet<>();

		private Builder(String topic, Object payload) {
			this.topic = topic;
			this.payload = payload;
		}

		public Builder messageId(String messageId) {
			this.messageId = messageId;
			return this;
		}

		public Builder type(String type) {
			this.type = type;
			return this;
		}

		public Builder partitionKey(String partitionKey) {
			this.partitionKey = partitionKey;
			return this;
		}

		public Builder subject(String subject) {
			this.subject = subject;
			return this;
		}

		public Builder header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		/**
		 * A header whose value must not be readable on the way: encrypted with the
		 * topic's keyset, like the payload, and handed to listeners in clear. Broker-side
		 * filters cannot match it. The topic must be encrypted
		 * ({@code bus.security.encryption.topics}); otherwise the publish fails and
		 * nothing is sent.
		 */
		public Builder confidentialHeader(String name, String value) {
			this.headers.put(name, value);
			this.confidentialHeaders.add(name);
			return this;
		}

		public OutboundMessage build() {
			return new OutboundMessage(this.topic, this.payload,
					(this.messageId != null) ? this.messageId : MessageIds.next(),
					(this.type != null) ? this.type : this.topic, this.partitionKey, this.subject, this.headers,
					this.confidentialHeaders);
		}

	}

}

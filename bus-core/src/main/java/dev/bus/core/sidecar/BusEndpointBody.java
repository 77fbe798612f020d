package dev.bus.core.sidecar;

import java.util.List;

/**
 * The body of the app's {@code bus} actuator endpoint ({@code GET /actuator/bus}), which
 * the starter writes and the sidecar reads to register the app's topics in Consul.
 *
 * @param listeners the app's listeners
 * @param publisher the app's publisher
 * @param requiredScopes the OAuth2 scopes the app needs for what it does (published
 * topics: so far)
 */
public record BusEndpointBody(List<Listener> listeners, Publisher publisher, RequiredScopes requiredScopes) {

	/**
	 * One {@code @BusListener}.
	 *
	 * @param id listener id
	 * @param topic topic pattern
	 * @param group listener group
	 * @param queue queue it consumes
	 * @param deadLetterQueue its dead-letter queue
	 * @param broadcast whether every instance gets every message
	 * @param ordered whether messages are handled in order
	 * @param concurrency consumers, {@code n} or {@code min-max}
	 * @param prefetch unacknowledged deliveries per consumer
	 * @param filter filter expression, or {@code null}
	 * @param maxAttempts attempts before dead-lettering
	 * @param method the annotated method
	 * @param state {@code consuming}, {@code waiting-for-broker}, {@code stopped} or
	 * {@code paused: <why>}
	 * @param activeConsumers consumers subscribed now
	 * @param deadLetters messages in the dead-letter queue, {@code -1} when unknown
	 */
	public record Listener(String id, String topic, String group, String queue, String deadLetterQueue,
			boolean broadcast, boolean ordered, String concurrency, int prefetch, String filter, int maxAttempts,
			String method, String state, int activeConsumers, long deadLetters) {
	}

	/**
	 * The publisher.
	 *
	 * @param exchange the bus exchange
	 * @param source CloudEvents source
	 * @param batching whether publishes are batched
	 * @param confirmTimeoutMillis confirm timeout
	 * @param pendingConfirms publishes waiting for their confirm
	 * @param topics topics published to since start-up (never queue names)
	 */
	public record Publisher(String exchange, String source, boolean batching, long confirmTimeoutMillis,
			int pendingConfirms, List<String> topics) {
	}

	/**
	 * The scopes to register the app's OAuth2 client with, least privilege.
	 *
	 * @param broker RabbitMQ scopes of its broker token
	 * @param messageToken {@code bus.publish} scopes of its per-message token
	 */
	public record RequiredScopes(List<String> broker, List<String> messageToken) {
	}

}

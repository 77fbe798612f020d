package dev.bus.security;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import dev.bus.listener.BusListenerDefinition;

/**
 * The scopes this application needs now: {@link RequiredScopes} applied to its listeners,
 * to the topics it publishes (declared with {@code @BusPublishes}, or published to so
 * far) and to the holding queues of the hold rules in force. The {@code bus} endpoint
 * lists them, and the broker token's health checks the token against them, so a client
 * registered without a scope the application needs shows up before the first refused
 * operation.
 */
public class ApplicationScopes {

	private final RequiredScopes rules;

	private final Supplier<List<BusListenerDefinition>> listeners;

	private final Supplier<List<String>> topics;

	private final Supplier<List<String>> holdQueues;

	/**
	 * @param rules how scopes follow from listeners and topics
	 * @param listeners the application's listeners, read each time
	 * @param topics the topics it publishes, read each time
	 */
	public ApplicationScopes(RequiredScopes rules, Supplier<List<BusListenerDefinition>> listeners,
			Supplier<List<String>> topics) {
		this(rules, listeners, topics, List::of);
	}

	/**
	 * @param holdQueues the holding queues of the hold routing rules in force, read each
	 * time (an operator adds one at any time)
	 */
	public ApplicationScopes(RequiredScopes rules, Supplier<List<BusListenerDefinition>> listeners,
			Supplier<List<String>> topics, Supplier<List<String>> holdQueues) {
		this.rules = rules;
		this.listeners = listeners;
		this.topics = topics;
		this.holdQueues = holdQueues;
	}

	/** The topics it publishes, sorted. */
	public List<String> topics() {
		return this.topics.get();
	}

	/** The broker token's scopes, sorted. */
	public List<String> broker() {
		return this.rules.broker(this.listeners.get(), this.topics.get(), this.holdQueues.get());
	}

	/** The per-message token's scopes, sorted. */
	public List<String> messageToken() {
		return this.rules.messageToken(this.listeners.get(), this.topics.get());
	}

	/** The broker scopes that none of {@code granted} covers, sorted. */
	public List<String> brokerScopesMissingFrom(Collection<String> granted) {
		return broker().stream().filter((required) -> !RabbitScopes.covers(granted, required)).toList();
	}

}

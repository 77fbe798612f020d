package dev.bus.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerDefinition;

/**
 * The exact scopes an application needs for what it does, so that an operator can
 * register its OAuth2 client with least privilege instead of guessing: RabbitMQ scopes
 * for its broker token (declare the bus exchange, publish its topics, declare, bind and
 * consume its groups' queues and move failed messages on through its groups' moves
 * exchanges, answer requests through the default exchange) and {@code bus.publish} scopes
 * for its per-message token. Published topics are those the application declares with
 * {@code @BusPublishes} and those it has published to so far, since Bus cannot know the
 * topics an application builds at run time. Where an operator declares the topology, no
 * {@code configure} scope is needed.
 */
public final class RequiredScopes {

	private final String prefix;

	private final String vhost;

	private final String exchange;

	private final List<TopicPattern> messageTokenTopics;

	private final boolean declaresTopology;

	/**
	 * @param resourceServerId RabbitMQ's {@code auth_oauth2.resource_server_id}
	 * @param virtualHost the virtual host the application connects to
	 * @param exchange the bus exchange
	 * @param messageTokenTopics the topics whose messages carry a per-message token
	 * @param declaresTopology whether the application declares its exchanges and queues
	 * (else an operator does, and it needs no {@code configure} scope)
	 */
	public RequiredScopes(String resourceServerId, String virtualHost, String exchange,
			List<TopicPattern> messageTokenTopics, boolean declaresTopology) {
		this.declaresTopology = declaresTopology;
		this.prefix = resourceServerId + ".";
		// The default virtual host "/" cannot be named in a scope: a pattern matches it.
		this.vhost = (virtualHost == null || "/".equals(virtualHost)) ? "*" : virtualHost;
		this.exchange = exchange;
		this.messageTokenTopics = List.copyOf(messageTokenTopics);
	}

	/** The broker token's scopes, sorted. */
	public List<String> broker(Collection<BusListenerDefinition> listeners, Collection<String> publishedTopics) {
		return broker(listeners, publishedTopics, List.of());
	}

	/**
	 * The broker token's scopes, with those of the holding queues of the hold routing
	 * rules in force: {@code configure} (declared the first time the rule holds) and
	 * {@code read} (released) on each, and {@code write} on the default exchange they are
	 * parked through. Without them a hold fails the publish it should have parked.
	 */
	public List<String> broker(Collection<BusListenerDefinition> listeners, Collection<String> publishedTopics,
			Collection<String> holdQueues) {
		Set<String> scopes = new TreeSet<>();
		for (String queue : holdQueues) {
			if (this.declaresTopology) {
				scopes.add(scope("configure", queue));
			}
			scopes.add(scope("read", queue));
			scopes.add(scope("write", "amq.default"));
		}
		if (this.declaresTopology) {
			scopes.add(scope("configure", this.exchange));
		}
		publishedTopics.forEach((topic) -> scopes.add(scope("write", this.exchange + "/" + topic)));
		for (BusListenerDefinition listener : listeners) {
			// Queue, retry queues, dead-letter queue and header-filter exchange are all
			// named <group>.<topic>...
			String groupResources = listener.group() + ".*";
			if (this.declaresTopology) {
				scopes.add(scope("configure", groupResources));
			}
			scopes.add(scope("read", groupResources));
			scopes.add(scope("write", groupResources));
			scopes.add(scope("read", this.exchange + "/" + listener.topic()));
			if (listener.method() != null && listener.method().answers()) {
				// A reply goes to the requester's direct reply-to, through the default
				// exchange. Nothing else does:
				// the default exchange reaches every queue by name, so no other listener
				// is given it.
				scopes.add(scope("write", "amq.default"));
			}
		}
		return List.copyOf(scopes);
	}

	/**
	 * The per-message token's scopes, sorted: one per published topic that carries a
	 * token, and one per topic of a listener that answers requests (its method returns a
	 * value) when the topic carries a token, since a reply is a message of the request's
	 * topic and carries the responder's token.
	 */
	public List<String> messageToken(Collection<BusListenerDefinition> listeners, Collection<String> publishedTopics) {
		Set<String> scopes = new TreeSet<>();
		for (String topic : publishedTopics) {
			if (TopicPattern.anyMatches(this.messageTokenTopics, topic)) {
				scopes.add(MessageTokenReceivePostProcessor.PUBLISH_SCOPE_PREFIX + topic);
			}
		}
		for (BusListenerDefinition listener : listeners) {
			String topic = listener.topic().toString();
			if (listener.method() != null && listener.method().answers()
					&& TopicPattern.anyMatches(this.messageTokenTopics, topic)) {
				scopes.add(MessageTokenReceivePostProcessor.PUBLISH_SCOPE_PREFIX + topic);
			}
		}
		return List.copyOf(scopes);
	}

	private String scope(String permission, String resource) {
		return this.prefix + permission + ":" + this.vhost + "/" + resource;
	}

}

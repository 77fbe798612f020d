package dev.bus.actuate;

import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.jspecify.annotations.Nullable;

import dev.bus.core.operations.DeadLetter;
import dev.bus.core.operations.DeadLetterListing;
import dev.bus.core.operations.DiscardResult;
import dev.bus.core.operations.HeldMessages;
import dev.bus.core.operations.HoldRelease;
import dev.bus.core.operations.ReplayResult;
import dev.bus.core.sidecar.BusEndpointBody;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.failure.DeadLetterBrowser;
import dev.bus.failure.DeadLetterReplayer;
import dev.bus.failure.DeadLetterSelection;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.Holds;
import dev.bus.security.ApplicationScopes;

/**
 * Actuator endpoint {@code bus}: the application's listeners (topic, group, queue,
 * concurrency, state, dead letters waiting) and its publisher (the topics it declares
 * with {@code @BusPublishes} and those it has published to); the sidecar reads it to
 * learn which topics the app listens to. A write ({@code POST
 * /actuator/bus/{listenerId}}, body {@code {"messageId": ..., "count": ...}}, both
 * optional) replays that listener's dead letters, which {@code GET
 * /actuator/bus/{listenerId}/dead-letters} lists without taking them and {@code DELETE}
 * there discards by id or by group; {@code POST /actuator/bus/{ruleSet}/{rule}} releases
 * what a hold routing rule holds.
 */
@Endpoint(id = "bus")
public class BusEndpoint {

	/** The path under a listener that lists its dead letters. */
	public static final String DEAD_LETTERS = "dead-letters";

	/** The read of the topology's definitions. */
	public static final String TOPOLOGY = "topology";

	/** The read of what hold rules hold. */
	public static final String HOLDS = "holds";

	/** How many dead letters a listing shows when not told. */
	public static final int DEAD_LETTERS_SHOWN = 20;

	private final BusListenerRegistry registry;

	private final EnvelopeSender publisher;

	private final BusEndpointBody.Publisher publisherSettings;

	private final DeadLetterReplayer replayer;

	private final DeadLetterBrowser browser;

	private final ApplicationScopes scopes;

	private final Holds holds;

	private final BusTopology topology;

	private final String vhost;

	public BusEndpoint(BusListenerRegistry registry, EnvelopeSender publisher,
			BusEndpointBody.Publisher publisherSettings, DeadLetterReplayer replayer, DeadLetterBrowser browser,
			ApplicationScopes scopes, Holds holds, BusTopology topology, String vhost) {
		this.browser = browser;
		this.topology = topology;
		this.vhost = (vhost != null) ? vhost : "/";
		this.registry = registry;
		this.publisher = publisher;
		this.publisherSettings = publisherSettings;
		this.replayer = replayer;
		this.scopes = scopes;
		this.holds = holds;
	}

	@ReadOperation
	public BusEndpointBody bus() {
		List<BusEndpointBody.Listener> listeners = (this.registry != null) ? this.registry.registrations()
			.stream()
			.map((registration) -> listener(registration.definition(), this.registry.state(registration),
					registration.activeConsumers(), deadLetters(registration.definition())))
			.toList() : List.of();
		BusEndpointBody.Publisher settings = this.publisherSettings;
		List<String> topics = this.scopes.topics();
		return new BusEndpointBody(listeners,
				new BusEndpointBody.Publisher(settings.exchange(), settings.source(), settings.batching(),
						settings.confirmTimeoutMillis(), this.publisher.pendingCount(), topics),
				new BusEndpointBody.RequiredScopes(this.scopes.broker(), this.scopes.messageToken()));
	}

	private static BusEndpointBody.Listener listener(BusListenerDefinition definition, String state,
			int activeConsumers, long deadLetters) {
		return new BusEndpointBody.Listener(definition.id(), definition.topic().toString(), definition.group(),
				definition.queue(), definition.deadLetterQueue(), definition.broadcast(), definition.ordered(),
				definition.concurrency(), definition.prefetch(), definition.filter(), definition.retry().maxAttempts(),
				definition.method().describe(), state, activeConsumers, deadLetters);
	}

	/**
	 * {@code GET /actuator/bus/topology}: the exchanges, queues and bindings Bus uses, as
	 * RabbitMQ definitions, for an operator who declares them
	 * ({@code bus.topology.declare=false}): {@code rabbitmqctl import_definitions} or the
	 * management API's {@code POST /api/definitions} takes them as they are.
	 * {@code GET /actuator/bus/holds}: what each hold routing rule in force holds
	 * ({@link HeldMessages}), which {@code POST /actuator/bus/{ruleSet}/{rule}} releases.
	 * @return the definitions or the holds, or {@code null} (404) for another name
	 */
	@ReadOperation
	public Object named(@Selector String name) {
		if (TOPOLOGY.equals(name) && this.topology != null) {
			return this.topology.definitions(this.vhost);
		}
		if (HOLDS.equals(name) && this.holds != null) {
			return Map.of(HOLDS, this.holds.held());
		}
		return null;
	}

	/**
	 * {@code GET /actuator/bus/{listenerId}/dead-letters?limit=}: the listener's first
	 * dead letters ({@code limit}, {@value #DEAD_LETTERS_SHOWN} by default, at most
	 * {@value DeadLetterBrowser#MAX_LIMIT}; below 1 is refused, 400), oldest first, left
	 * in the queue: their failure, verified topic and publisher, whether a replay would
	 * take them, trace id, and a clear payload's beginning; never a token, a key or an
	 * encrypted payload ({@link DeadLetterBrowser}). A read that shows message content:
	 * secure it as the writes are.
	 * @return the listing, or {@code null} (404) for an unknown listener or another path
	 */
	@ReadOperation
	public DeadLetterListing deadLetters(@Selector String listenerId, @Selector String part, @Nullable Integer limit) {
		BusListenerRegistry.Registration registration = (this.registry != null) ? this.registry.find(listenerId) : null;
		if (!DEAD_LETTERS.equals(part) || registration == null || this.browser == null) {
			return null;
		}
		if (limit != null && limit < 1) {
			throw new InvalidEndpointRequestException("limit must be at least 1, was " + limit, "limit below 1");
		}
		List<DeadLetter> shown = this.browser.list(registration.definition(),
				(limit != null) ? limit : DEAD_LETTERS_SHOWN);
		return new DeadLetterListing(listenerId, registration.definition().deadLetterQueue(),
				deadLetters(registration.definition()), shown);
	}

	/**
	 * {@code DELETE /actuator/bus/{listenerId}/dead-letters?messageId=} (or
	 * {@code reason=}, {@code exception=}): removes that dead letter, or that group, for
	 * good (an operator's decision, logged by the application); a request that names
	 * nothing is refused (400).
	 * @return the listener, how many were removed, and how many are left; or {@code null}
	 * (404) for an unknown listener or another path
	 */
	@DeleteOperation
	public DiscardResult discard(@Selector String listenerId, @Selector String part, @Nullable String messageId,
			@Nullable String reason, @Nullable String exception) {
		BusListenerRegistry.Registration registration = (this.registry != null) ? this.registry.find(listenerId) : null;
		if (!DEAD_LETTERS.equals(part) || registration == null || this.browser == null) {
			return null;
		}
		DeadLetterSelection selection = new DeadLetterSelection(messageId, reason, exception);
		if (selection.isEmpty()) {
			throw new InvalidEndpointRequestException(
					"Name the dead letters to discard: messageId, reason or exception", "nothing to discard named");
		}
		int discarded = this.browser.discard(registration.definition(), selection);
		return new DiscardResult(listenerId, discarded, deadLetters(registration.definition()));
	}

	/**
	 * Replays a listener's dead letters: the one with {@code messageId}, a group (those
	 * that failed for {@code reason}, or with {@code exception}, the thrown class's
	 * name), up to {@code count}, or all.
	 * @return the listener and how many messages were replayed, or {@code null} (404) for
	 * an unknown listener
	 */
	@WriteOperation
	public ReplayResult replay(@Selector String listenerId, @Nullable String messageId, @Nullable Integer count,
			@Nullable String reason, @Nullable String exception) {
		BusListenerRegistry.Registration registration = (this.registry != null) ? this.registry.find(listenerId) : null;
		if (registration == null || this.replayer == null) {
			return null;
		}
		DeadLetterReplayer.Replayed replayed = this.replayer.replay(registration.definition(),
				new DeadLetterSelection(messageId, reason, exception), count);
		return new ReplayResult(listenerId, replayed.replayed(), replayed.refused(),
				deadLetters(registration.definition()));
	}

	/**
	 * Releases what a {@code hold} routing rule holds ({@code POST
	 * /actuator/bus/{ruleSet}/{rule}}) to the topics the messages were published to.
	 * @return the rule and how many messages were released, or {@code null} (404) when
	 * the app cannot hold
	 */
	@WriteOperation
	public HoldRelease release(@Selector String ruleSet, @Selector String rule) {
		if (this.holds == null) {
			return null;
		}
		return new HoldRelease(ruleSet, rule, this.holds.release(ruleSet, rule));
	}

	private long deadLetters(BusListenerDefinition definition) {
		if (this.replayer == null) {
			return -1;
		}
		try {
			return this.replayer.count(definition);
		}
		catch (RuntimeException ex) {
			return -1; // broker unreachable: unknown
		}
	}

}

package dev.bus.publisher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.rabbitmq.client.AMQP;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.core.operations.HeldMessages;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.routing.RuleSet;
import dev.bus.routing.Route;
import dev.bus.transport.Envelope;
import dev.bus.transport.QueueReader;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.BrokerAccess;
import dev.bus.BusPublishException;

/**
 * The holding queues of {@code hold} rules: one durable queue per rule set and rule,
 * {@code bus.hold.<set>.<rule>}, declared the first time the rule holds a message and
 * filled through the default exchange (so no wildcard listener sees held messages); and
 * their release to the topics the messages were published to, each confirmed before it
 * leaves the holding queue (a crash in between duplicates, never loses). Only what this
 * application parked is released: a message in a holding queue whose {@code user_id} is
 * not this application's broker user was put there by another client (the default
 * exchange reaches every queue), and stays held.
 */
public class Holds {

	private static final Log logger = LogFactory.getLog(Holds.class);

	private final Consumer<String> declareQueue;

	private final QueueReader queues;

	private final EnvelopeSender publisher;

	private final String exchange;

	private final BrokerAccess brokerAccess;

	private final Supplier<List<RuleSet>> ruleSets;

	/**
	 * @param declareQueue declares a holding queue (durable, bound to nothing) by name,
	 * once
	 * @param ruleSets the rule sets in force, whose hold rules {@link #held()} counts
	 */
	public Holds(Consumer<String> declareQueue, QueueReader queues, EnvelopeSender publisher, String exchange,
			BrokerAccess brokerAccess, Supplier<List<RuleSet>> ruleSets) {
		this.ruleSets = ruleSets;
		this.brokerAccess = brokerAccess;
		this.declareQueue = declareQueue;
		this.queues = queues;
		this.publisher = publisher;
		this.exchange = exchange;
	}

	/**
	 * The holding queue's name: {@code bus.hold.<rule set>.<rule>}, other characters than
	 * word ones as dashes.
	 */
	public static String queueName(String ruleSet, String rule) {
		return "bus.hold." + word(ruleSet) + "." + word(rule);
	}

	/** The holding queues of the hold rules of {@code ruleSets}. */
	public static List<String> queueNames(List<RuleSet> ruleSets) {
		List<String> queues = new ArrayList<>();
		for (RuleSet ruleSet : ruleSets) {
			for (RoutingRule rule : ruleSet.rules()) {
				if (rule.action() == RoutingRule.Action.HOLD) {
					queues.add(queueName(ruleSet.name(), rule.name()));
				}
			}
		}
		return queues;
	}

	private static String word(String name) {
		return name.replaceAll("[^A-Za-z0-9_-]", "-");
	}

	/** The holding queue of a rule, declared if it is new. */
	String holdTopic(Route route) {
		String name = queueName(route.ruleSet(), route.rule());
		this.declareQueue.accept(name);
		return name;
	}

	/**
	 * Parks an envelope, sealed for its own topic ({@link Addressing#HELD}), in a holding
	 * queue (through the default exchange).
	 * @return a future completed on the broker's confirm
	 */
	CompletableFuture<Void> park(Envelope envelope, String holdQueue) {
		return this.publisher.send("", holdQueue, envelope);
	}

	/**
	 * What each hold rule in force holds now: its holding queue's count, {@code -1} when
	 * it is unknown (the queue is not declared yet because the rule has held nothing, or
	 * the broker did not answer).
	 */
	public List<HeldMessages> held() {
		List<HeldMessages> held = new ArrayList<>();
		for (RuleSet ruleSet : this.ruleSets.get()) {
			for (RoutingRule rule : ruleSet.rules()) {
				if (rule.action() == RoutingRule.Action.HOLD) {
					String queue = queueName(ruleSet.name(), rule.name());
					held.add(new HeldMessages(ruleSet.name(), rule.name(), rule.topic(), queue, count(queue)));
				}
			}
		}
		return held;
	}

	private long count(String queue) {
		try {
			return this.queues.count(queue);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Releases what a rule holds to the topics it was published to.
	 * @return how many messages were released
	 */
	public int release(String ruleSet, String rule) {
		String queue = queueName(ruleSet, rule);
		String ownUser = this.brokerAccess.userId();
		int[] released = new int[1];
		try {
			// what another broker user put there is not taken: it goes back to the
			// holding queue when the reading ends
			this.queues.read(queue, (session) -> {
				QueueReader.Taken taken;
				while ((taken = session.take()) != null) {
					String parkedBy = taken.properties().getUserId();
					if (ownUser != null && !ownUser.equals(parkedBy)) {
						logger.warn("Not releasing message " + LogValues.escape(taken.properties().getMessageId())
								+ " held by routing rule " + LogValues.escape(ruleSet) + "/" + LogValues.escape(rule)
								+ ": broker user '" + LogValues.escape(parkedBy)
								+ "' put it there, not this application");
						continue;
					}
					republish(taken);
					session.ack(taken);
					released[0]++;
				}
				return null;
			});
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException(
					"Release of " + queue + " failed after " + released[0] + " message(s): " + ex.getMessage(), ex);
		}
		logger.info("Released " + released[0] + " message(s) held by routing rule " + LogValues.escape(ruleSet) + "/"
				+ LogValues.escape(rule));
		return released[0];
	}

	private void republish(QueueReader.Taken taken) {
		AMQP.BasicProperties held = taken.properties();
		Map<String, Object> headers = new HashMap<>((held.getHeaders() != null) ? held.getHeaders() : Map.of());
		Object topic = headers.remove(BusHeaders.HELD_TOPIC);
		String id = (held.getMessageId() != null) ? held.getMessageId() : "(none)";
		if (topic == null) {
			throw new IllegalStateException("Held message " + LogValues.escape(id) + " does not say its topic ("
					+ BusHeaders.HELD_TOPIC + "); it stays held");
		}
		try {
			this.publisher.sendAndAwait(this.exchange,
					new Envelope(topic.toString(), id, held.builder().headers(headers).build(), taken.body()));
		}
		catch (BusPublishException ex) {
			throw new IllegalStateException("The broker did not confirm released message " + id + "; it stays held",
					ex);
		}
	}

}

package dev.bus.publisher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.routing.Route;
import dev.bus.routing.Router;
import dev.bus.transport.BrokerAccess;
import dev.bus.transport.Envelope;

/**
 * What a publish becomes once the routing rules have spoken: the sends it makes (the
 * message itself, elsewhere, copies, or into a holding queue), or its refusal; the topics
 * sent to are remembered ({@link PublishedTopics}).
 *
 * <p>
 * A send to a topic the broker would refuse this application (its token's scopes) refuses
 * the whole publish before anything is sent. The broker answers such a publish by closing
 * the channel, which would fail every other unconfirmed publish on it; and sending the
 * original then failing on a rule's copy would fail the publish after it happened, and a
 * listener that publishes would retry it, sending the original again each time.
 */
public class PublishRouting {

	private final Router router;

	private final Holds holds;

	private final BrokerAccess brokerAccess;

	private final String exchange;

	private final PublishedTopics topics;

	/**
	 * @param holds the holding queues of {@code hold} rules, or {@code null} when the app
	 * cannot hold (a hold rule's messages are then refused)
	 * @param brokerAccess what the broker lets this application publish
	 * @param exchange the bus exchange
	 * @param topics where the topics sent to are remembered
	 */
	public PublishRouting(Router router, Holds holds, BrokerAccess brokerAccess, String exchange,
			PublishedTopics topics) {
		this.router = router;
		this.holds = holds;
		this.brokerAccess = brokerAccess;
		this.exchange = exchange;
		this.topics = topics;
	}

	/**
	 * @return the sends to make, the first of which answers the publish (its receipt)
	 * @throws BusPublishException {@code REJECTED} when a rule refuses the message,
	 * {@code FORBIDDEN} when it sends to a topic the broker would refuse
	 */
	public List<Send> apply(OutboundMessage message) {
		Route route = this.router.route(message);
		List<Send> sends = (route.action() == null) ? List.of(new Send(message, null)) : sends(message, route);
		// A held message is checked too: its release publishes it to its topic.
		for (Send send : sends) {
			admit(message, send.message().topic(), route);
		}
		return sends;
	}

	/**
	 * Checks that the broker would take a message on {@code topic} and remembers the
	 * topic; the publishes that no routing rule applies to (requests) are admitted here
	 * too.
	 * @throws BusPublishException {@code FORBIDDEN} when the broker would refuse it
	 */
	public void admit(OutboundMessage message) {
		admit(message, message.topic(), null);
	}

	private void admit(OutboundMessage message, String topic, Route route) {
		String missingScope = this.brokerAccess.missingWriteScope(this.exchange, topic);
		if (missingScope != null) {
			String scope = "broker user '" + this.brokerAccess.userId() + "' has no scope " + missingScope
					+ "; nothing was sent";
			String why = (route == null || topic.equals(message.topic())) ? "the broker would refuse it: " + scope
					: "routing rule " + route.routedBy() + " sends it to '" + topic
							+ "', which the broker would refuse: " + scope;
			throw new BusPublishException(BusPublishException.Reason.FORBIDDEN, message.topic(), message.messageId(),
					why, null);
		}
		this.topics.record(topic);
	}

	private List<Send> sends(OutboundMessage message, Route route) {
		return switch (route.action()) {
			case REJECT -> throw rejected(message, route, route.reason());
			case HOLD -> {
				if (this.holds == null) {
					throw rejected(message, route, "this app cannot hold messages");
				}
				yield List
					.of(new Send(message.routedTo(message.topic(), route.routedBy()), this.holds.holdTopic(route)));
			}
			case REDIRECT, SPLIT -> List.of(new Send(message.routedTo(route.targets().get(0), route.routedBy()), null));
			case COPY -> {
				List<Send> sends = new ArrayList<>();
				sends.add(new Send(message, null));
				route.targets()
					.forEach((target) -> sends.add(new Send(message.routedTo(target, route.routedBy()), null)));
				yield List.copyOf(sends);
			}
		};
	}

	/**
	 * Parks an envelope in a holding queue (a {@link Send} with a {@code holdTopic}).
	 * @return a future completed on the broker's confirm
	 */
	public CompletableFuture<Void> hold(Envelope envelope, String holdQueue) {
		return this.holds.park(envelope, holdQueue);
	}

	private static BusPublishException rejected(OutboundMessage message, Route route, String reason) {
		return new BusPublishException(BusPublishException.Reason.REJECTED, message.topic(), message.messageId(),
				"routing rule " + route.routedBy() + ": " + reason, null);
	}

	/**
	 * One publish to make.
	 *
	 * @param message the message, with its (routed) topic
	 * @param holdTopic the holding queue to park it in, as sealed for its topic;
	 * {@code null} to publish it
	 */
	public record Send(OutboundMessage message, String holdTopic) {
	}

}

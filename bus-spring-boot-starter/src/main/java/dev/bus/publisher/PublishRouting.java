package dev.bus.publisher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.routing.Route;
import dev.bus.routing.Router;

/**
 * What a publish becomes once the routing rules have spoken: the sends it makes (the message itself, elsewhere,
 * copies, or into a holding queue), or its refusal. A rule that sends to a topic the broker would refuse this
 * application (its token's scopes) refuses the whole publish before anything is sent: sending the original and then
 * failing on the copy would fail the publish after it happened, and a listener that publishes would retry it, sending
 * the original again each time.
 */
public class PublishRouting {

	private final Router router;

	private final Holds holds;

	private final BrokerAccess brokerAccess;

	private final String exchange;

	/**
	 * @param holds the holding queues of {@code hold} rules, or {@code null} when the app cannot hold (a hold rule's
	 * messages are then refused)
	 * @param brokerAccess what the broker lets this application publish
	 * @param exchange the bus exchange
	 */
	public PublishRouting(Router router, Holds holds, BrokerAccess brokerAccess, String exchange) {
		this.router = router;
		this.holds = holds;
		this.brokerAccess = brokerAccess;
		this.exchange = exchange;
	}

	/**
	 * @return the sends to make, the first of which answers the publish (its receipt)
	 * @throws BusPublishException {@code REJECTED} when a rule refuses the message, {@code FORBIDDEN} when it sends
	 * to a topic the broker would refuse
	 */
	public List<Send> apply(OutboundMessage message) {
		Route route = this.router.route(message);
		if (route.action() == null) {
			return List.of(new Send(message, null));
		}
		List<Send> sends = sends(message, route);
		for (Send send : sends) {
			String missingScope = (send.holdTopic() == null)
					? this.brokerAccess.missingWriteScope(this.exchange, send.message().topic()) : null;
			if (missingScope != null) {
				String why = "routing rule " + route.routedBy() + " sends it to '" + send.message().topic()
						+ "', which the broker would refuse: broker user '" + this.brokerAccess.userId()
						+ "' has no scope " + missingScope + "; nothing was sent";
				throw new BusPublishException(BusPublishException.Reason.FORBIDDEN, message.topic(),
						message.messageId(), why, null);
			}
		}
		return sends;
	}

	private List<Send> sends(OutboundMessage message, Route route) {
		return switch (route.action()) {
			case REJECT -> throw rejected(message, route, route.reason());
			case HOLD -> {
				if (this.holds == null) {
					throw rejected(message, route, "this app cannot hold messages");
				}
				yield List.of(new Send(message.routedTo(message.topic(), route.routedBy()),
						this.holds.holdTopic(route)));
			}
			case REDIRECT, SPLIT -> List.of(new Send(message.routedTo(route.targets().get(0), route.routedBy()), null));
			case COPY -> {
				List<Send> sends = new ArrayList<>();
				sends.add(new Send(message, null));
				route.targets().forEach((target) -> sends.add(new Send(message.routedTo(target, route.routedBy()), null)));
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
	 * @param holdTopic the holding queue to park it in, as sealed for its topic; {@code null} to publish it
	 */
	public record Send(OutboundMessage message, String holdTopic) {
	}

}

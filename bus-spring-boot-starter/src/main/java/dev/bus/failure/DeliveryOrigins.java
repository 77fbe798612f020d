package dev.bus.failure;

import java.util.List;
import java.util.Map;

import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;
import dev.bus.core.LogValues;
import dev.bus.transport.BrokerAccess;

/**
 * Judges where a delivery to a listener came from, only from what the broker verified
 * (the exchange it was delivered through, {@code user_id}, and the dead-letter history
 * {@code x-death}, which the broker writes on every dead-lettering) and from what this
 * application wrote on its own moves, never from headers another sender can write. Two
 * origins are trusted:
 * <ul>
 * <li>a <b>first delivery</b>: through the bus exchange, never dead-lettered on the way.
 * Its topic is the routing key and its publisher {@code user_id}; a Bus move header it
 * carries was written by its sender and is ignored.</li>
 * <li>one of this application's <b>own moves</b>: through the group's
 * {@linkplain ListenerQueues#movesExchange() moves exchange} (a replay, or a retry back
 * from a delay queue, which dead-letters through it), sent by this application's broker
 * user. Only the group's own client may write to that exchange or name it as a
 * dead-letter exchange. Its topic and publisher are those the application recorded when
 * it moved it ({@value BusHeaders#ORIGINAL_TOPIC},
 * {@value BusHeaders#ORIGINAL_USER_ID}).</li>
 * </ul>
 * Anything else (pushed into the queue through the default exchange, re-routed into the
 * bus by another client's dead-letter or alternate exchange or an exchange binding, a
 * move by another broker user) is refused, as is a topic the listener does not subscribe
 * to (a {@code CC} header adds queues without changing the routing key). Without a broker
 * user of its own ({@link BrokerAccess#UNKNOWN}), an application cannot tell its moves
 * from another client's through the same exchanges: only the exchange and the history are
 * checked.
 */
public class DeliveryOrigins {

	private final String busExchange;

	private final BrokerAccess brokerAccess;

	public DeliveryOrigins(String busExchange, BrokerAccess brokerAccess) {
		this.busExchange = busExchange;
		this.brokerAccess = brokerAccess;
	}

	/**
	 * Where a delivery on the listener's queue came from.
	 * @param properties the delivery's properties, as the broker delivered them
	 */
	public DeliveryOrigin of(MessageProperties properties, ListenerQueues listener) {
		String exchange = properties.getReceivedExchange();
		String routingKey = properties.getReceivedRoutingKey();
		String sender = properties.getReceivedUserId();
		List<Map<String, ?>> history = properties.getXDeathHeader();
		if (this.busExchange.equals(exchange)) {
			if (history != null && !history.isEmpty()) {
				return DeliveryOrigin.refused(routingKey, sender, "dead-lettered into the bus exchange from queue '"
						+ LogValues.escape(history.get(0).get("queue")) + "', not published to it");
			}
			return subscribed(DeliveryOrigin.firstDelivery(routingKey, sender), listener);
		}
		if (!listener.movesExchange().equals(exchange)) {
			return DeliveryOrigin.refused(routingKey, sender, "delivered through exchange '"
					+ LogValues.escape(exchange) + "', neither the bus exchange nor this application's own moves");
		}
		return ownMove(properties, listener);
	}

	/**
	 * Where a message in the listener's dead-letter queue came from: moved there by this
	 * application, or dead-lettered there by the broker from the listener's queue (a
	 * rejected delivery, a quorum queue's delivery limit), both through the moves
	 * exchange; the broker's {@code x-death} entry then tells the exchange and topic it
	 * had been delivered with.
	 * @param properties the dead letter's properties, as the broker returned them
	 */
	public DeliveryOrigin ofDeadLetter(MessageProperties properties, ListenerQueues listener) {
		String exchange = properties.getReceivedExchange();
		if (!listener.movesExchange().equals(exchange)) {
			return DeliveryOrigin.refused(properties.getReceivedRoutingKey(), properties.getReceivedUserId(),
					"put in the dead-letter queue through exchange '" + LogValues.escape(exchange)
							+ "', neither by this application nor by the broker from the listener's queue");
		}
		List<Map<String, ?>> history = properties.getXDeathHeader();
		Map<String, ?> last = (history != null && history.size() == 1) ? history.get(0) : null;
		if (last != null && listener.queue().equals(String.valueOf(last.get("queue")))
				&& this.busExchange.equals(String.valueOf(last.get("exchange")))
				&& last.get("routing-keys") instanceof List<?> keys && keys.size() == 1) {
			// the broker dead-lettered a first delivery from the listener's queue
			// (rejected, over its delivery limit)
			return subscribed(DeliveryOrigin.firstDelivery(String.valueOf(keys.get(0)), properties.getReceivedUserId()),
					listener);
		}
		return ownMove(properties, listener);
	}

	private DeliveryOrigin ownMove(MessageProperties properties, ListenerQueues listener) {
		String routingKey = properties.getReceivedRoutingKey();
		String sender = properties.getReceivedUserId();
		String ownUser = this.brokerAccess.userId();
		if (ownUser != null && !ownUser.equals(sender)) {
			return DeliveryOrigin.refused(routingKey, sender,
					"moved by broker user '" + LogValues.escape(sender) + "', not by this application");
		}
		Map<String, Object> headers = properties.getHeaders();
		Object unverified = headers.get(BusHeaders.UNVERIFIED_ORIGIN);
		if (unverified != null) {
			return DeliveryOrigin.refused(routingKey, sender,
					"its first delivery was not trusted: " + LogValues.escape(unverified));
		}
		Object topic = headers.get(BusHeaders.ORIGINAL_TOPIC);
		if (topic == null) {
			return DeliveryOrigin.refused(routingKey, sender,
					"moved without its topic (" + BusHeaders.ORIGINAL_TOPIC + ")");
		}
		Object publisher = headers.get(BusHeaders.ORIGINAL_USER_ID);
		return subscribed(
				new DeliveryOrigin(topic.toString(), (publisher != null) ? publisher.toString() : null, null, true),
				listener);
	}

	private static DeliveryOrigin subscribed(DeliveryOrigin origin, ListenerQueues listener) {
		if (!listener.topic().matches(origin.topic())) {
			return DeliveryOrigin.refused(origin.topic(), origin.publisher(),
					"topic '" + LogValues.escape(origin.topic()) + "' is not one listener '" + listener.id()
							+ "' subscribes to (" + listener.topic() + ")");
		}
		return origin;
	}

}

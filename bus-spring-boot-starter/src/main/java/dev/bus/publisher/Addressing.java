package dev.bus.publisher;

import dev.bus.core.BusHeaders;
import dev.bus.transport.ConfirmedSender;

/**
 * What an envelope carries for the transport besides the message, written when it is
 * sealed so that nothing reopens it afterwards: where a request's reply goes, which
 * request a reply answers, and whether the message is parked in a routing rule's holding
 * queue (its own topic kept in {@value BusHeaders#HELD_TOPIC} for the release).
 *
 * @param replyTo the {@code reply_to} property, or {@code null}
 * @param correlationId the {@code correlation_id} property, or {@code null}
 * @param transientDelivery sent non-persistent whatever the publisher's setting
 * @param held parked in a holding queue
 */
public record Addressing(String replyTo, String correlationId, boolean transientDelivery, boolean held) {

	/** A message published to its topic. */
	public static final Addressing TOPIC = new Addressing(null, null, false, false);

	/** A message parked in a holding queue, sealed for its own topic. */
	public static final Addressing HELD = new Addressing(null, null, false, true);

	/**
	 * A request: replies come back to the channel that sends it (RabbitMQ's direct
	 * reply-to), correlated by the request's message id.
	 */
	public static Addressing request(String messageId) {
		return new Addressing(ConfirmedSender.DIRECT_REPLY_TO, messageId, false, false);
	}

	/**
	 * A reply to the request {@code correlationId}: transient, since a requester that has
	 * gone is no one's loss.
	 */
	public static Addressing reply(String correlationId) {
		return new Addressing(null, correlationId, true, false);
	}

}

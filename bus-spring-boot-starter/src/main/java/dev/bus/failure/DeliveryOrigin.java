package dev.bus.failure;

/**
 * Where a delivery came from, as {@link DeliveryOrigins} judged it from what the broker
 * verified and what this application wrote on its own moves.
 *
 * @param topic the verified topic, or the routing key when refused
 * @param publisher the broker user that published it, or {@code null} when none is known
 * @param refusal why the origin is not trusted, or {@code null} when it is
 * @param moved whether this application moved it here (a retry or replay)
 */
public record DeliveryOrigin(String topic, String publisher, String refusal, boolean moved) {

	/** Whether the delivery may be looked at further. */
	public boolean trusted() {
		return this.refusal == null;
	}

	/** A trusted first delivery (a reply, whose topic the requester knows). */
	public static DeliveryOrigin firstDelivery(String topic, String publisher) {
		return new DeliveryOrigin(topic, publisher, null, false);
	}

	static DeliveryOrigin refused(String routingKey, String sender, String why) {
		return new DeliveryOrigin(routingKey, sender, why, false);
	}

}

package dev.bus.security;

import org.springframework.amqp.core.MessageProperties;

import dev.bus.core.BusHeaders;

/**
 * Who published a delivered message, as far as the broker vouches for it. The broker verified {@code user_id}
 * against the sender. A message that an application moved on (a retry, a dead letter, a replay) was sent by that
 * application, with the first publisher in {@value BusHeaders#ORIGINAL_USER_ID}; that header is believed only
 * when the sender was this application's own broker user, since anyone can write a header.
 */
public final class BrokerVerifiedPublisher {

	private BrokerVerifiedPublisher() {
	}

	/**
	 * @param properties the delivered message's properties
	 * @param ownUser this application's broker user, or {@code null} when unknown
	 * @return the publisher, or {@code null} when the message has no {@code user_id}
	 */
	public static String of(MessageProperties properties, String ownUser) {
		String sender = properties.getReceivedUserId();
		if (sender == null) {
			return null;
		}
		Object original = properties.getHeaders().get(BusHeaders.ORIGINAL_USER_ID);
		return (original != null && sender.equals(ownUser)) ? original.toString() : sender;
	}

}

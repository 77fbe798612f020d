package dev.bus.transport;

/**
 * What the broker knows about this application's connection, when Bus knows it too (an
 * OAuth2 token it obtained): the user the broker authenticated, which every message
 * carries as {@code user_id}, and the topics the broker lets it publish to, so that a
 * publish it would refuse fails alone instead of closing the channel under every other
 * publish in flight.
 */
public interface BrokerAccess {

	/** Nothing known: messages carry no {@code user_id} and every publish is sent. */
	BrokerAccess UNKNOWN = user(null);

	/**
	 * A broker user the application knows it logs in as (a user name and password, say),
	 * whose topics it does not know: its messages carry {@code user_id}, which the broker
	 * verifies, and every publish is sent. Declare it as a bean to bind encrypted
	 * payloads to the publisher and let listeners see who sent what.
	 * @param userId the broker user, or {@code null} for none known ({@link #UNKNOWN})
	 */
	static BrokerAccess user(String userId) {
		return new BrokerAccess() {

			@Override
			public String userId() {
				return userId;
			}

			@Override
			public String missingWriteScope(String exchange, String routingKey) {
				return null;
			}

		};
	}

	/** The broker user of the connection, or {@code null} when unknown. */
	String userId();

	/**
	 * @return {@code null} when the broker lets this application publish to
	 * {@code exchange} with {@code routingKey} (or it is not known), otherwise the scope
	 * it would need
	 */
	String missingWriteScope(String exchange, String routingKey);

}

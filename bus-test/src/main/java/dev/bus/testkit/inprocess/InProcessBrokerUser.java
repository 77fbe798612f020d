package dev.bus.testkit.inprocess;

import java.util.List;

import dev.bus.security.RabbitScopes;
import dev.bus.transport.BrokerAccess;

/**
 * The broker user the application is in-process ({@code bus.test.broker.user}), with the
 * RabbitMQ write scopes the test gives it ({@code bus.test.broker.scopes}): as with a
 * broker token, a publish outside them fails alone, before anything is sent. No scopes
 * lets it publish anywhere, as a user name and password does.
 */
final class InProcessBrokerUser implements BrokerAccess {

	private final String user;

	private final RabbitScopes scopes;

	private final String virtualHost;

	InProcessBrokerUser(String user, List<String> scopes, String resourceServerId, String virtualHost) {
		this.user = user;
		this.scopes = scopes.isEmpty() ? null : RabbitScopes.of(resourceServerId, scopes);
		this.virtualHost = virtualHost;
	}

	@Override
	public String userId() {
		return this.user;
	}

	@Override
	public String missingWriteScope(String exchange, String routingKey) {
		return (this.scopes != null) ? this.scopes.missingWriteScope(this.virtualHost, exchange, routingKey) : null;
	}

}

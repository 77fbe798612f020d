package dev.bus.testkit.inprocess;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * The connection factory of an application running over the in-process transport: it
 * never connects, so nothing reaches a broker that happens to run on the machine, and
 * what still asks for a connection (a feature the in-process transport does not model
 * yet, listed in docs/testing.md) fails at once, saying so.
 */
class NoBrokerConnectionFactory implements ConnectionFactory {

	private final String username;

	NoBrokerConnectionFactory(String username) {
		this.username = username;
	}

	@Override
	public Connection createConnection() {
		throw new AmqpConnectException("The application runs over Bus's in-process transport "
				+ "(@AutoConfigureBusTest(inProcess = true)), which has no broker connection; this feature needs one "
				+ "(docs/testing.md lists what the in-process transport does not model)", null);
	}

	@Override
	public String getHost() {
		return "in-process";
	}

	@Override
	public int getPort() {
		return 0;
	}

	@Override
	public String getVirtualHost() {
		return "/";
	}

	@Override
	public String getUsername() {
		return this.username;
	}

	@Override
	public void addConnectionListener(ConnectionListener listener) {
	}

	@Override
	public boolean removeConnectionListener(ConnectionListener listener) {
		return false;
	}

	@Override
	public void clearConnectionListeners() {
	}

}

package dev.bus.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/**
 * The real RabbitMQ on 127.0.0.1:5672, reached with the plain Java client (as a non-Bus
 * AMQP peer would), for arranging and inspecting what the tests need. Fails, never skips,
 * when the broker is not running.
 */
public final class Rabbit implements AutoCloseable {

	public static final String HOST = "127.0.0.1";

	public static final int PORT = 5672;

	private final Connection connection;

	private final Channel channel;

	private Rabbit(int port, String username, String password) throws IOException, TimeoutException {
		this(HOST, port, username, password);
	}

	private Rabbit(String host, int port, String username, String password) throws IOException, TimeoutException {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setConnectionTimeout(2000);
		factory.setHost(host);
		factory.setPort(port);
		factory.setUsername(username);
		factory.setPassword(password);
		this.connection = factory.newConnection("bus-tests");
		this.channel = this.connection.createChannel();
	}

	/** Connects, or fails the test saying how to start the broker. */
	public static Rabbit connect() {
		requireRunning();
		try {
			return new Rabbit(PORT, "guest", "guest");
		}
		catch (IOException | TimeoutException ex) {
			throw new AssertionError("Cannot connect to RabbitMQ on " + HOST + ":" + PORT + " as guest: " + ex, ex);
		}
	}

	/**
	 * Connects to the secured node ({@link SecuredBroker}) as its internal administrator,
	 * which sees past the applications' token scopes; fails the test saying how to start
	 * the node.
	 */
	public static Rabbit connectSecured() {
		SecuredBroker.requireRunning();
		try {
			return new Rabbit(SecuredBroker.PORT, SecuredBroker.ADMIN, SecuredBroker.adminPassword());
		}
		catch (IOException | TimeoutException ex) {
			throw new AssertionError("Cannot connect to the secured RabbitMQ node on " + HOST + ":" + SecuredBroker.PORT
					+ " as " + SecuredBroker.ADMIN + ": " + ex, ex);
		}
	}

	/**
	 * Connects as guest to the first node of the {@link PartitionCluster} that answers (a
	 * fault test heals the network before it cleans up).
	 */
	public static Rabbit connectToPartitionCluster() {
		List<String> failures = new ArrayList<>();
		for (int node = 1; node <= PartitionCluster.SIZE; node++) {
			try {
				return new Rabbit(PartitionCluster.address(node), 5672, "guest", "guest");
			}
			catch (IOException | TimeoutException ex) {
				failures.add("node " + node + ": " + ex);
			}
		}
		throw new AssertionError(
				"No node of the partition cluster answers (scripts/infra partition up, as root): " + failures);
	}

	/** Connects as guest to the first node of the {@link RabbitCluster} that answers. */
	public static Rabbit connectToCluster() {
		List<String> failures = new ArrayList<>();
		for (int node = 1; node <= RabbitCluster.SIZE; node++) {
			try {
				return new Rabbit(RabbitCluster.port(node), "guest", "guest");
			}
			catch (IOException | TimeoutException ex) {
				failures.add("node " + node + ": " + ex);
			}
		}
		throw new AssertionError("No node of the RabbitMQ cluster answers (scripts/infra cluster up): " + failures);
	}

	public static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, PORT), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError("RabbitMQ is not running on " + HOST + ":" + PORT
					+ ". Start the test infrastructure with: scripts/infra up", ex);
		}
	}

	/**
	 * The channel, for what the helpers do not cover (a plain AMQP consumer standing in
	 * for another client).
	 */
	public Channel channel() {
		return this.channel;
	}

	public void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body)
			throws IOException {
		this.channel.basicPublish(exchange, routingKey, properties, body);
	}

	/**
	 * Takes one message from a queue, acknowledging it; {@code null} when the queue is
	 * empty.
	 */
	public GetResponse get(String queue) throws IOException {
		return this.channel.basicGet(queue, true);
	}

	/**
	 * Waits (up to 10 s) for a message in {@code queue}, takes it and returns its headers
	 * as strings.
	 */
	public Map<String, String> nextHeaders(String queue) throws IOException {
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> messageCount(queue) > 0);
		Map<String, String> headers = new java.util.HashMap<>();
		get(queue).getProps().getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
		return headers;
	}

	public long consumerCount(String queue) throws IOException {
		return this.channel.consumerCount(queue);
	}

	public long messageCount(String queue) throws IOException {
		return this.channel.messageCount(queue);
	}

	public void declareQueueBoundTo(String queue, String exchange, String pattern) throws IOException {
		this.channel.queueDeclare(queue, false, false, true, Map.of());
		this.channel.queueBind(queue, exchange, pattern);
	}

	/**
	 * A queue that refuses (nacks) every message routed to it: max length 0 with
	 * reject-publish overflow.
	 */
	public void declareRejectingQueueBoundTo(String queue, String exchange, String pattern) throws IOException {
		this.channel.queueDeclare(queue, false, false, true, Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
		this.channel.queueBind(queue, exchange, pattern);
	}

	/**
	 * What pika's {@code exchange_declare(exchange, exchange_type='topic')} creates: a
	 * transient topic exchange.
	 */
	public void declareTransientTopicExchange(String exchange) throws IOException {
		this.channel.exchangeDeclare(exchange, "topic", false);
	}

	public void declareTopicExchange(String exchange) throws IOException {
		this.channel.exchangeDeclare(exchange, "topic", true);
	}

	public void deleteQueue(String queue) throws IOException {
		this.channel.queueDelete(queue);
	}

	public void deleteExchange(String exchange) throws IOException {
		this.channel.exchangeDelete(exchange);
	}

	@Override
	public void close() throws IOException, TimeoutException {
		this.connection.close();
	}

}

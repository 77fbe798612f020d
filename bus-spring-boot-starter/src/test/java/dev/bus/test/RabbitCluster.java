package dev.bus.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The 3-node RabbitMQ cluster of {@code scripts/infra cluster}, beside the default
 * broker: nodes {@code bus-cluster-N@localhost} on 127.0.0.1:569N, each registered in
 * Consul as an instance of {@link #SERVICE} with a TCP check every second. Every
 * operation goes through the script, which owns the nodes' layout; the cluster tests
 * start the cluster themselves ({@link #up}) and stop it when they started it.
 */
public final class RabbitCluster {

	/** The Consul service the nodes are registered as. */
	public static final String SERVICE = "bus-cluster-rabbitmq";

	public static final int SIZE = 3;

	private RabbitCluster() {
	}

	/** The AMQP port of node {@code node} (1 to 3). */
	public static int port(int node) {
		return 5690 + node;
	}

	/** The Consul service id of node {@code node}. */
	public static String serviceId(int node) {
		return SERVICE + "-" + node;
	}

	/** Whether every node runs, as one cluster. */
	public static boolean running() {
		return InfraScript.attempt("cluster", "status").exitCode() == 0;
	}

	/**
	 * Starts the nodes that are not running and waits until the three run as one cluster;
	 * prints what the script says (how long forming took).
	 */
	public static void up() {
		System.out.print(infra("cluster", "up"));
	}

	/** Stops the cluster and deletes its data. */
	public static void down() {
		infra("cluster", "down");
	}

	/** {@code kill -9} of the node's Erlang VM. */
	public static void kill(int node) {
		infra("cluster", "kill", String.valueOf(node));
	}

	/**
	 * Restarts a node as an upgrade would (once quorum queues keep their quorum without
	 * it) and waits until it is back in the cluster; returns how long it took.
	 */
	public static Duration restart(int node) {
		long start = System.nanoTime();
		infra("cluster", "restart", String.valueOf(node));
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Client connections per node (by the node's AMQP port), as node {@code askedNode}
	 * lists the cluster's.
	 */
	public static Map<Integer, Integer> connectionsByNode(int askedNode) {
		Map<Integer, Integer> counts = new TreeMap<>();
		for (int node = 1; node <= SIZE; node++) {
			counts.put(node, 0);
		}
		for (String line : ctl(askedNode, "list_connections", "port", "--no-table-headers")) {
			counts.merge(Integer.parseInt(line.trim()) - 5690, 1, Integer::sum);
		}
		return counts;
	}

	/** The nodes a quorum queue has members on, as node {@code askedNode} sees it. */
	public static String members(int askedNode, String queue) {
		for (String line : ctl(askedNode, "list_queues", "name", "members", "--no-table-headers")) {
			if (line.startsWith(queue + "\t")) {
				return line.substring(queue.length() + 1);
			}
		}
		throw new AssertionError("no queue " + queue + " on the cluster");
	}

	/**
	 * Closes every client connection on one node, as an operator (or a node's
	 * maintenance) would.
	 */
	public static void closeConnections(int node) {
		ctl(node, "close_all_connections", "tests: node taken out of service");
	}

	private static List<String> ctl(int node, String... arguments) {
		List<String> command = new ArrayList<>(List.of("cluster", "ctl", String.valueOf(node), "-q"));
		command.addAll(List.of(arguments));
		return infra(command.toArray(String[]::new)).lines().filter((line) -> !line.isBlank()).toList();
	}

	private static String infra(String... arguments) {
		return InfraScript.run(arguments);
	}

}

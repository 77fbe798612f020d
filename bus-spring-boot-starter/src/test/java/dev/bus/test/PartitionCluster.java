package dev.bus.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The 3-node RabbitMQ cluster of {@code scripts/infra partition}, each node in a network
 * namespace of its own ({@code bus-node1..3}, {@code 10.77.0.1-3}, AMQP on 5672), the app
 * being the test JVM on the host's side of the bridge ({@code 10.77.0.254}, host name
 * {@code app}), and a Consul agent on a host of its own ({@code consul}) for the test
 * that cuts a sidecar off from it. Nodes run with {@code cluster_partition_handling =
 * pause_minority} and a net tick of 10 s. Faults go through the script, which owns the
 * layout: {@link #cut}, {@link #degrade}, {@link #heal}.
 */
public final class PartitionCluster {

	public static final int SIZE = 3;

	/** The Consul service the nodes are registered as in the cluster's own Consul. */
	public static final String SERVICE = "bus-cluster-rabbitmq";

	private PartitionCluster() {
	}

	/** The address of node {@code node} (1 to 3). */
	public static String address(int node) {
		return "10.77.0." + node;
	}

	/** {@code spring.rabbitmq.addresses} for all three nodes. */
	public static String addresses() {
		return IntStream.rangeClosed(1, SIZE)
			.mapToObj((node) -> address(node) + ":5672")
			.collect(Collectors.joining(","));
	}

	/** The test host name of node {@code node}, for {@link #cut}. */
	public static String host(int node) {
		return "node" + node;
	}

	/** Whether every node runs, as one cluster. */
	public static boolean running() {
		return InfraScript.attempt("partition", "status").exitCode() == 0;
	}

	/** Creates the namespaces, starts the nodes and waits until they form one cluster. */
	public static void up() {
		System.out.print(InfraScript.run("partition", "up"));
	}

	/**
	 * Stops the nodes and the cluster's Consul, deletes their data and the namespaces.
	 */
	public static void down() {
		System.out.print(InfraScript.run("partition", "down"));
	}

	/**
	 * Cuts each pair of hosts ({@code node1}..{@code node3}, {@code app}, {@code consul})
	 * off from each other: packets dropped silently both ways.
	 */
	public static void cut(String... hostPairs) {
		List<String> arguments = new ArrayList<>(List.of("partition", "cut"));
		arguments.addAll(List.of(hostPairs));
		System.out.print(InfraScript.run(arguments.toArray(String[]::new)));
	}

	/**
	 * Limits a host's link to {@code rate} (tc syntax) and drops {@code lossPercent} of
	 * its packets.
	 */
	public static void degrade(String host, String rate, int lossPercent) {
		System.out.print(InfraScript.run("partition", "degrade", host, rate, String.valueOf(lossPercent)));
	}

	/** Removes every fault. */
	public static void heal() {
		System.out.print(InfraScript.run("partition", "heal"));
	}

	/**
	 * Whether node {@code node} serves clients: false while pause_minority keeps it
	 * paused (its Erlang VM runs, its RabbitMQ application does not) or when it is down.
	 */
	public static boolean serving(int node) {
		InfraScript.Result result = InfraScript.attempt("partition", "ctl", String.valueOf(node), "-q", "eval",
				"rabbit:is_running().");
		return result.exitCode() == 0 && result.output().trim().equals("true");
	}

	/**
	 * Whether the three nodes run as one cluster again: each of them, asked by node 1
	 * over Erlang distribution, sees all three running (one {@code rabbitmqctl} call, so
	 * that the figure measures the cluster rather than the CLI's start-up).
	 */
	public static boolean formed() {
		InfraScript.Result result = InfraScript.attempt("partition", "ctl", "1", "-q", "eval",
				"lists:all(fun(N) -> length(rpc:call(N, rabbit_nodes, all_running, [])) =:= " + SIZE
						+ " end, rabbit_nodes:all()).");
		return result.exitCode() == 0 && result.output().trim().equals("true");
	}

	/** The nodes node {@code askedNode} sees running, {@code []} when it is paused. */
	public static String runningAsSeenBy(int askedNode) {
		InfraScript.Result result = InfraScript.attempt("partition", "ctl", String.valueOf(askedNode), "-q", "eval",
				"rabbit_nodes:all_running().");
		return (result.exitCode() == 0) ? result.output().trim() : "not running (" + result.output().trim() + ")";
	}

	/**
	 * Client connections per node (by the node address the client connected to), as node
	 * {@code askedNode} lists the cluster's.
	 */
	public static Map<Integer, Integer> connectionsByNode(int askedNode) {
		Map<Integer, Integer> counts = new TreeMap<>();
		for (int node = 1; node <= SIZE; node++) {
			counts.put(node, 0);
		}
		for (String line : ctl(askedNode, "list_connections", "host", "--no-table-headers")) {
			String host = line.trim();
			counts.merge(Integer.parseInt(host.substring(host.lastIndexOf('.') + 1)), 1, Integer::sum);
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
		throw new AssertionError("no queue " + queue + " on the partition cluster");
	}

	/** Starts the cluster's own Consul and registers the nodes in it. */
	public static void consulUp() {
		System.out.print(InfraScript.run("partition", "consul-up"));
	}

	/** The URL of the cluster's own Consul (on the {@code consul} test host). */
	public static String consulUrl() {
		return "http://10.77.0.10:8500";
	}

	private static List<String> ctl(int node, String... arguments) {
		List<String> command = new ArrayList<>(List.of("partition", "ctl", String.valueOf(node), "-q"));
		command.addAll(List.of(arguments));
		return InfraScript.run(command.toArray(String[]::new)).lines().filter((line) -> !line.isBlank()).toList();
	}

}

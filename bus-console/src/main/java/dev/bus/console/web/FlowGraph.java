package dev.bus.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.Fleet;
import dev.bus.core.TopicPattern;

/**
 * Who publishes what and who listens to what, from the instances' Consul metadata, laid
 * out in three columns for the flow page's SVG: publishing services, topics, listening
 * services. A listener's pattern ({@code warehouse.*.temperature}) is a topic node of its
 * own, joined to each published topic it matches.
 *
 * @param topics the topic nodes, top to bottom
 * @param publishers the publishing service nodes
 * @param listeners the listening service nodes
 * @param edges the arrows
 * @param height the drawing's height
 */
record FlowGraph(List<Node> topics, List<Node> publishers, List<Node> listeners, List<Edge> edges, int height) {

	static final int ROW = 54;

	static final int HEIGHT = 40;

	static final int LEFT = 20;

	static final int MIDDLE = 330;

	static final int RIGHT = 640;

	static final int WIDTH = 270;

	static FlowGraph of(Fleet fleet) {
		Map<String, TreeSet<String>> publishers = new TreeMap<>();
		Map<String, TreeSet<String>> listeners = new TreeMap<>();
		TreeSet<String> topics = new TreeSet<>();
		for (Fleet.BusService service : fleet.services()) {
			for (BusInstance instance : service.instances()) {
				for (String topic : instance.publishes()) {
					publishers.computeIfAbsent(service.name(), (k) -> new TreeSet<>()).add(topic);
					topics.add(topic);
				}
				for (String topic : instance.listens()) {
					listeners.computeIfAbsent(service.name(), (k) -> new TreeSet<>()).add(topic);
					topics.add(topic);
				}
			}
		}
		List<Node> topicNodes = column(topics, MIDDLE);
		List<Node> publisherNodes = column(publishers.keySet(), LEFT);
		List<Node> listenerNodes = column(listeners.keySet(), RIGHT);
		List<Edge> edges = new ArrayList<>();
		publishers.forEach((service, published) -> published
			.forEach((topic) -> edges.add(Edge.between(find(publisherNodes, service), find(topicNodes, topic)))));
		listeners.forEach((service, patterns) -> patterns.forEach((pattern) -> {
			Node listener = find(listenerNodes, service);
			edges.add(Edge.between(find(topicNodes, pattern), listener));
		}));
		// a published topic that a listener's pattern matches flows into that pattern
		for (String topic : topics) {
			for (String pattern : topics) {
				if (!pattern.equals(topic) && pattern.contains("*") && !topic.contains("*")
						&& TopicPattern.of(pattern).matches(topic)) {
					edges.add(Edge.within(find(topicNodes, topic), find(topicNodes, pattern)));
				}
			}
		}
		int rows = Math.max(topicNodes.size(), Math.max(publisherNodes.size(), listenerNodes.size()));
		return new FlowGraph(topicNodes, publisherNodes, listenerNodes, edges, Math.max(1, rows) * ROW + 20);
	}

	private static List<Node> column(java.util.Collection<String> names, int x) {
		List<Node> nodes = new ArrayList<>();
		int row = 0;
		for (String name : names) {
			nodes.add(new Node(name, x, 10 + row++ * ROW));
		}
		return nodes;
	}

	private static Node find(List<Node> nodes, String name) {
		return nodes.stream().filter((node) -> node.name().equals(name)).findFirst().orElseThrow();
	}

	/**
	 * A box.
	 *
	 * @param name what it is
	 * @param x its left
	 * @param y its top
	 */
	record Node(String name, int x, int y) {

		int centreY() {
			return this.y + HEIGHT / 2;
		}

	}

	/**
	 * An arrow.
	 *
	 * @param x1 from x
	 * @param y1 from y
	 * @param x2 to x
	 * @param y2 to y
	 */
	record Edge(int x1, int y1, int x2, int y2) {

		static Edge between(Node from, Node to) {
			return new Edge(from.x() + WIDTH, from.centreY(), to.x(), to.centreY());
		}

		/** From one topic to a pattern in the same column: along its right side. */
		static Edge within(Node from, Node to) {
			return new Edge(from.x() + WIDTH, from.centreY(), to.x() + WIDTH, to.centreY());
		}

	}

}

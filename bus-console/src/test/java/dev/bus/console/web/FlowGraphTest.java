package dev.bus.console.web;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.Fleet;

import static org.assertj.core.api.Assertions.assertThat;

/** The flow graph joins publishers to topics to listeners, patterns included. */
class FlowGraphTest {

	@Test
	void publishersTopicsAndListenersAreJoinedAndAPatternTakesTheTopicsItMatches() {
		Fleet fleet = new Fleet(List.of(service("orders", List.of("orders.created"), List.of("inventory.reserved")),
				service("inventory", List.of("inventory.reserved"),
						List.of("orders.created", "warehouse.*.temperature")),
				service("thermometer", List.of("warehouse.eu-1.temperature"), List.of())), null);
		FlowGraph graph = FlowGraph.of(fleet);
		assertThat(graph.topics()).extracting(FlowGraph.Node::name)
			.containsExactly("inventory.reserved", "orders.created", "warehouse.*.temperature",
					"warehouse.eu-1.temperature");
		assertThat(graph.publishers()).extracting(FlowGraph.Node::name)
			.containsExactly("inventory", "orders", "thermometer");
		assertThat(graph.listeners()).extracting(FlowGraph.Node::name).containsExactly("inventory", "orders");
		// 3 publishes, 3 listens, and the thermometer's topic into inventory's pattern
		assertThat(graph.edges()).hasSize(7);
		FlowGraph.Node concrete = graph.topics().get(3);
		FlowGraph.Node pattern = graph.topics().get(2);
		assertThat(graph.edges()).contains(new FlowGraph.Edge(concrete.x() + FlowGraph.WIDTH, concrete.centreY(),
				pattern.x() + FlowGraph.WIDTH, pattern.centreY()));
		assertThat(graph.height()).isEqualTo(4 * FlowGraph.ROW + 20);
	}

	@Test
	void anEmptyFleetDrawsAnEmptyGraph() {
		FlowGraph graph = FlowGraph.of(Fleet.unreadable("Consul did not answer"));
		assertThat(graph.topics()).isEmpty();
		assertThat(graph.edges()).isEmpty();
	}

	private static Fleet.BusService service(String name, List<String> publishes, List<String> listens) {
		return new Fleet.BusService(name,
				List.of(new BusInstance(name + "-1", name, "127.0.0.1", 8080, "1.0", "passing", "app health UP", null,
						"http://127.0.0.1:8080/actuator/bus", null, listens, publishes, Map.of())));
	}

}

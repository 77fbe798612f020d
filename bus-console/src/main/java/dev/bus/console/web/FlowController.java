package dev.bus.console.web;

import java.util.List;
import java.util.TreeMap;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;

import dev.bus.console.apps.AppActuator;
import dev.bus.console.apps.AppUnavailableException;
import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.consul.Fleet;
import dev.bus.console.metrics.TopicRates;
import dev.bus.console.routing.RuleSets;
import dev.bus.core.TopicPattern;
import dev.bus.core.routing.RoutingRule;
import dev.bus.core.sidecar.BusEndpointBody;

/**
 * The flow page: services and topics as a graph, and one topic's publishers, listeners
 * with their groups, and the routing rules that touch it.
 */
@Controller
class FlowController {

	private final ConsulCatalog consul;

	private final AppActuator apps;

	private final RuleSets ruleSets;

	private final TopicRates rates;

	FlowController(ConsulCatalog consul, AppActuator apps, RuleSets ruleSets, TopicRates rates) {
		this.consul = consul;
		this.apps = apps;
		this.ruleSets = ruleSets;
		this.rates = rates;
	}

	@GetMapping("/flow")
	String flow(Model model) {
		Fleet fleet = this.consul.fleet();
		TopicRates.Rates rates = this.rates.rates();
		model.addAttribute("problem", fleet.problem());
		model.addAttribute("ratesProblem", rates.problem());
		model.addAttribute("rates", rates);
		model.addAttribute("graph", FlowGraph.of(fleet));
		return "flow";
	}

	@GetMapping("/flow/topic")
	String topic(@RequestParam String name, Model model) {
		Fleet fleet = this.consul.fleet();
		TreeMap<String, List<BusEndpointBody.Listener>> listeners = new TreeMap<>();
		TreeMap<String, String> problems = new TreeMap<>();
		TreeMap<String, Boolean> encryptedBy = new TreeMap<>();
		List<String> publishers = new java.util.ArrayList<>();
		for (Fleet.BusService service : fleet.services()) {
			if (service.instances().stream().anyMatch((instance) -> instance.publishes().contains(name))) {
				publishers.add(service.name());
			}
			BusInstance instance = service.spokesman();
			if (instance == null) {
				continue;
			}
			try {
				List<BusEndpointBody.Listener> matching = this.apps.bus(instance)
					.listeners()
					.stream()
					.filter((listener) -> listener.topic().equals(name)
							|| TopicPattern.of(listener.topic()).matches(name))
					.toList();
				if (!matching.isEmpty()) {
					listeners.put(service.name(), matching);
				}
				this.apps.encryptedChannels(instance)
					.entrySet()
					.stream()
					.filter((channel) -> channel.getKey().equals(name)
							|| TopicPattern.of(channel.getKey()).matches(name))
					.forEach((channel) -> encryptedBy.merge(service.name(), channel.getValue(), Boolean::logicalOr));
			}
			catch (AppUnavailableException ex) {
				problems.put(service.name(), ex.getMessage());
			}
		}
		model.addAttribute("topic", name);
		model.addAttribute("rate", this.rates.rates().of(name));
		model.addAttribute("publishers", publishers);
		model.addAttribute("listeners", listeners);
		model.addAttribute("problems", problems.values());
		model.addAttribute("rules", rulesTouching(name));
		// what the services' contracts say: encrypted when any of them encrypts it
		model.addAttribute("encrypted", encryptedBy.isEmpty() ? null : encryptedBy.containsValue(true));
		model.addAttribute("contracts", String.join(", ", encryptedBy.keySet()));
		return "topic";
	}

	private List<String> rulesTouching(String topic) {
		try {
			return this.ruleSets.list()
				.stream()
				.filter((entry) -> entry.ruleSet() != null)
				.flatMap((entry) -> entry.ruleSet()
					.rules()
					.stream()
					.filter((rule) -> touches(rule, topic))
					.map((rule) -> entry.name() + "/" + rule.name() + ": " + rule.action().name().toLowerCase() + " "
							+ rule.topic() + (rule.to().isEmpty() ? "" : " → " + String.join(", ", rule.to()))))
				.toList();
		}
		catch (RestClientException ex) {
			return List.of("(Consul did not answer: rules unknown)");
		}
	}

	private static boolean touches(RoutingRule rule, String topic) {
		return rule.to().contains(topic) || rule.topic().equals(topic)
				|| (!topic.contains("*") && TopicPattern.of(rule.topic()).matches(topic));
	}

}

package dev.bus.console.web;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.bus.console.apps.AppActuator;
import dev.bus.console.apps.AppUnavailableException;
import dev.bus.console.audit.ConsoleAudit;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.consul.Fleet;
import dev.bus.console.failures.FailureActions.Outcome;
import dev.bus.console.routing.RuleSets;
import dev.bus.core.TopicPattern;
import dev.bus.core.operations.HoldRelease;

/**
 * The routing rule sets from Consul KV, their edits, and the release of what hold rules
 * hold.
 */
@Controller
class RoutingController {

	private final RuleSets ruleSets;

	private final ConsulCatalog consul;

	private final AppActuator apps;

	private final ConsoleAudit audit;

	RoutingController(RuleSets ruleSets, ConsulCatalog consul, AppActuator apps, ConsoleAudit audit) {
		this.ruleSets = ruleSets;
		this.consul = consul;
		this.apps = apps;
		this.audit = audit;
	}

	@GetMapping("/routing")
	String routing(Model model) {
		try {
			List<RuleSets.Entry> entries = this.ruleSets.list();
			model.addAttribute("ruleSets", entries);
			model.addAttribute("holds", this.ruleSets.holds(entries));
		}
		catch (RestClientException ex) {
			model.addAttribute("ruleSets", List.of());
			model.addAttribute("holds", List.of());
			model.addAttribute("problem", "Consul did not answer ("
					+ ex.getMostSpecificCause().getClass().getSimpleName() + "): the rule sets cannot be read now");
		}
		return "routing";
	}

	@PostMapping("/routing")
	String save(@RequestParam String name, @RequestParam String text, @RequestParam long index, Authentication person,
			RedirectAttributes redirect) {
		List<String> problems = this.ruleSets.save(ConsoleModel.who(person), name, text, index);
		if (problems.isEmpty()) {
			redirect.addFlashAttribute("outcome",
					new Outcome(true, "Rule set " + name + " written to Consul: the sidecars serve it to the apps"));
		}
		else {
			redirect.addFlashAttribute("outcome", new Outcome(false, "Rule set " + name
					+ " refused, the version in Consul stays in force: " + String.join("; ", problems)));
			redirect.addFlashAttribute("draftName", name);
			redirect.addFlashAttribute("draftText", text);
		}
		return "redirect:/routing";
	}

	/**
	 * Releases a hold rule's messages through every service that publishes to the topic
	 * it holds (the holding queue is in the publishing app).
	 */
	@PostMapping("/routing/release")
	String release(@RequestParam String ruleSet, @RequestParam String rule, @RequestParam String topic,
			Authentication person, RedirectAttributes redirect) {
		Fleet fleet = this.consul.fleet();
		TopicPattern pattern = TopicPattern.of(topic);
		int released = 0;
		StringBuilder problems = new StringBuilder();
		for (Fleet.BusService service : fleet.services()) {
			var instance = service.spokesman();
			if (instance == null || instance.publishes().stream().noneMatch(pattern::matches)) {
				continue;
			}
			try {
				HoldRelease release = this.apps.release(instance, ruleSet, rule);
				released += release.released();
			}
			catch (AppUnavailableException ex) {
				problems.append("; ").append(ex.getMessage());
			}
		}
		String result = released + " released" + problems;
		this.audit.record(ConsoleModel.who(person), "hold-release", ruleSet + "/" + rule, result);
		redirect.addFlashAttribute("outcome", new Outcome(problems.isEmpty(), result));
		return "redirect:/routing";
	}

}

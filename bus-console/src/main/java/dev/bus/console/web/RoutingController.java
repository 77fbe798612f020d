package dev.bus.console.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.consul.Fleet;
import dev.bus.console.failures.FailureActions.Outcome;
import dev.bus.console.routing.RuleSets;
import dev.bus.core.operations.HeldMessages;

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
			List<RuleSets.Hold> holds = this.ruleSets.holds(entries);
			model.addAttribute("ruleSets", entries);
			model.addAttribute("holds", holds);
			model.addAttribute("held", holds.isEmpty() ? Map.of() : held(model));
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
	 * How many messages each hold rule holds, by {@code <rule set>/<rule>}, as the apps
	 * that route with it count their holding queue (one queue per rule, whichever app
	 * parked the messages); apps that do not answer are said on the page.
	 */
	private Map<String, Long> held(Model model) {
		Map<String, Long> held = new TreeMap<>();
		List<String> problems = new ArrayList<>();
		for (Fleet.BusService service : this.consul.fleet().services()) {
			BusInstance instance = service.spokesman();
			if (instance == null) {
				continue;
			}
			try {
				for (HeldMessages holding : this.apps.holds(instance)) {
					held.merge(holding.ruleSet() + "/" + holding.rule(), holding.held(), Math::max);
				}
			}
			catch (AppUnavailableException ex) {
				problems.add(ex.getMessage());
			}
		}
		model.addAttribute("heldProblems", problems);
		return held;
	}

	/**
	 * Releases a hold rule's messages through every app that has the rule in force (its
	 * {@code holds} report names it): each releases what it parked.
	 */
	@PostMapping("/routing/release")
	String release(@RequestParam String ruleSet, @RequestParam String rule, Authentication person,
			RedirectAttributes redirect) {
		int released = 0;
		int apps = 0;
		StringBuilder problems = new StringBuilder();
		for (Fleet.BusService service : this.consul.fleet().services()) {
			BusInstance instance = service.spokesman();
			if (instance == null) {
				continue;
			}
			try {
				boolean holdsIt = this.apps.holds(instance)
					.stream()
					.anyMatch((held) -> held.ruleSet().equals(ruleSet) && held.rule().equals(rule));
				if (holdsIt) {
					released += this.apps.release(instance, ruleSet, rule).released();
					apps++;
				}
			}
			catch (AppUnavailableException ex) {
				problems.append("; ").append(ex.getMessage());
			}
		}
		String result = released + " released by " + apps + " app(s)" + problems;
		this.audit.record(ConsoleModel.who(person), "hold-release", ruleSet + "/" + rule, result);
		redirect.addFlashAttribute("outcome", new Outcome(problems.isEmpty() && apps > 0, result));
		return "redirect:/routing";
	}

}

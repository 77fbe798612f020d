package dev.bus.console.web;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.consul.Fleet;
import dev.bus.console.failures.FailedMessages;
import dev.bus.console.failures.FailureActions;
import dev.bus.console.failures.FailureGroup;
import dev.bus.console.failures.FailureReport;

/**
 * The failed messages of every service, grouped; one group's messages; and the operator's
 * retry and discard of a group or a selection of it.
 */
@Controller
class FailuresController {

	private final ConsulCatalog consul;

	private final FailedMessages failed;

	private final FailureActions actions;

	FailuresController(ConsulCatalog consul, FailedMessages failed, FailureActions actions) {
		this.consul = consul;
		this.failed = failed;
		this.actions = actions;
	}

	@GetMapping("/failures")
	String failures(Model model) {
		model.addAttribute("report", this.failed.report(this.consul.fleet()));
		return "failures";
	}

	@GetMapping("/failures/{key}")
	String group(@PathVariable String key, Model model) {
		FailureReport report = this.failed.report(this.consul.fleet());
		model.addAttribute("report", report);
		model.addAttribute("group", report.group(key));
		return "group";
	}

	@PostMapping("/failures/{key}/retry")
	String retry(@PathVariable String key, @RequestParam(name = "messageId", required = false) List<String> messageIds,
			@RequestParam(required = false) String service, @RequestParam(required = false) String listener,
			Authentication person, RedirectAttributes redirect) {
		return act(key, ids(messageIds), service, listener, redirect,
				(report, group, ids, fleet) -> this.actions.retry(ConsoleModel.who(person), report, group, ids, fleet));
	}

	@PostMapping("/failures/{key}/discard")
	String discard(@PathVariable String key,
			@RequestParam(name = "messageId", required = false) List<String> messageIds,
			@RequestParam(name = "confirm", required = false) String confirm,
			@RequestParam(required = false) String service, @RequestParam(required = false) String listener,
			Authentication person, RedirectAttributes redirect) {
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("outcome", new FailureActions.Outcome(false,
					"Nothing discarded: tick the box that confirms these messages are deleted for good"));
			return "redirect:/failures/" + key;
		}
		return act(key, ids(messageIds), service, listener, redirect, (report, group, ids, fleet) -> this.actions
			.discard(ConsoleModel.who(person), report, group, ids, fleet));
	}

	/**
	 * Acts on the group as listed now, and shows what came of it on the failures page.
	 */
	private String act(String key, List<String> ids, String service, String listener, RedirectAttributes redirect,
			Action action) {
		Fleet fleet = this.consul.fleet();
		FailureReport report = this.failed.report(fleet);
		FailureGroup group = group(report, key, ids, service, listener);
		redirect.addFlashAttribute("outcome", (group != null) ? action.on(report, group, ids, fleet) : gone());
		return "redirect:/failures";
	}

	@FunctionalInterface
	private interface Action {

		FailureActions.Outcome on(FailureReport report, FailureGroup group, List<String> ids, Fleet fleet);

	}

	/**
	 * The group to act on: as listed now, or, for chosen messages whose group is gone,
	 * their listener's, so that each is reported rather than the whole request refused.
	 */
	private static FailureGroup group(FailureReport report, String key, List<String> ids, String service,
			String listener) {
		FailureGroup group = report.group(key);
		if (group == null && !ids.isEmpty() && service != null && listener != null) {
			return FailureGroup.chosen(service, listener);
		}
		return group;
	}

	private static List<String> ids(List<String> messageIds) {
		return (messageIds != null) ? messageIds.stream().filter((id) -> !id.isBlank()).toList() : List.of();
	}

	private static FailureActions.Outcome gone() {
		return new FailureActions.Outcome(false,
				"That group is no longer there: its messages were retried or discarded elsewhere");
	}

}

package dev.bus.console.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.bus.console.audit.ConsoleAudit;

/** The operator actions, newest first. */
@Controller
class AuditController {

	private final ConsoleAudit audit;

	AuditController(ConsoleAudit audit) {
		this.audit = audit;
	}

	@GetMapping("/audit")
	String audit(Model model) {
		model.addAttribute("events", this.audit.recent());
		return "audit";
	}

}

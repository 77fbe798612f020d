package dev.bus.console.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Every operator action (who, what, on what, when, with which result) as a Spring Boot
 * audit event: Boot's audit listener keeps it in the {@link AuditEventRepository} the
 * audit page reads (and {@code /actuator/auditevents} serves), and one log line records
 * it for good.
 */
public class ConsoleAudit {

	private static final Log log = LogFactory.getLog(ConsoleAudit.class);

	private final ApplicationEventPublisher events;

	private final AuditEventRepository repository;

	public ConsoleAudit(ApplicationEventPublisher events, AuditEventRepository repository) {
		this.events = events;
		this.repository = repository;
	}

	/**
	 * Records an action.
	 * @param who the person (the ID token's subject)
	 * @param action what they did ({@code retry}, {@code discard}, {@code routing-edit},
	 * {@code hold-release})
	 * @param target what they did it to
	 * @param result what came of it
	 */
	public void record(String who, String action, String target, String result) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("target", target);
		data.put("result", result);
		this.events.publishEvent(new AuditApplicationEvent(who, "bus-console." + action, data));
		log.info("Operator " + who + ": " + action + " " + target + ": " + result);
	}

	/** The kept actions, newest first. */
	public List<AuditEvent> recent() {
		List<AuditEvent> events = new ArrayList<>(this.repository.find(null, null, null));
		events.removeIf((event) -> !event.getType().startsWith("bus-console."));
		Collections.reverse(events);
		return events;
	}

}

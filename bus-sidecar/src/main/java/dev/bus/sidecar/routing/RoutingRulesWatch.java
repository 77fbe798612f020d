package dev.bus.sidecar.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.core.routing.RuleSet;
import dev.bus.core.routing.RuleSetValidator;
import dev.bus.core.sidecar.RoutingRules;
import dev.bus.sidecar.consul.BlockingQueryLoop;
import dev.bus.sidecar.consul.ConsulAgent;

/**
 * Follows the routing rule sets under a Consul KV prefix (one key per rule set, JSON)
 * with blocking queries, and validates each new version completely before serving it: a
 * version with any problem is refused as a whole, the key's last good version stays in
 * force, and the problem shows in {@link #rules()} ({@code /v1/routes},
 * {@code /v1/status}), in {@code bus.sidecar.routing.rejected} and in one log line. Never
 * half applied.
 */
public class RoutingRulesWatch implements Runnable, SmartLifecycle {

	private static final Log log = LogFactory.getLog(RoutingRulesWatch.class);

	private static final Duration MIN_BACKOFF = Duration.ofMillis(250);

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final ConsulAgent consul;

	private final String prefix;

	private final Duration wait;

	private final Duration maxBackoff;

	private final TaskExecutor executor;

	private final Counter rejected;

	private final JsonMapper json = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build();

	private final RuleSetValidator validator = new RuleSetValidator(RoutingRulesWatch::expressionProblem);

	/** The last good version of each key, and the last word about each refused one. */
	private final Map<String, RuleSet> inForce = new TreeMap<>();

	private final Map<String, String> problems = new TreeMap<>();

	private final Map<String, String> seenValues = new HashMap<>();

	private volatile RoutingRules rules = RoutingRules.UNKNOWN;

	private volatile boolean running;

	/** The running query loop; a new one on each start. */
	private volatile BlockingQueryLoop loop;

	public RoutingRulesWatch(ConsulAgent consul, String prefix, Duration wait, Duration maxBackoff,
			TaskExecutor executor, MeterRegistry meters) {
		this.consul = consul;
		this.prefix = prefix;
		this.wait = wait;
		this.maxBackoff = maxBackoff;
		this.executor = executor;
		this.rejected = meters.counter("bus.sidecar.routing.rejected");
	}

	/** The rule sets in force now. */
	public RoutingRules rules() {
		return this.rules;
	}

	/**
	 * Waits until the rules' index differs from {@code index}, or {@code timeout};
	 * returns the current ones.
	 */
	public synchronized RoutingRules awaitChange(long index, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.rules.index() == index && this.running) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			wait(Math.max(1, left / 1_000_000));
		}
		return this.rules;
	}

	@Override
	public void start() {
		this.loop = new BlockingQueryLoop(MIN_BACKOFF, this.maxBackoff);
		this.running = true;
		this.executor.execute(this);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.loop != null) {
			this.loop.stop();
		}
		notifyAll();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void run() {
		this.loop.run((index) -> {
			ConsulAgent.KvAnswer answer = this.consul.kvValues(this.prefix, index, this.wait);
			apply(answer.values());
			return answer.index();
		}, (ex, backoff) -> {
			log.warn("Watch of routing rules under " + this.prefix + " failed (" + ex.getClass().getSimpleName()
					+ "); the rules in force stay, retrying in " + backoff.toMillis() + " ms");
			return backoff;
		});
	}

	/**
	 * Takes in what changed: valid new versions replace their key's, invalid ones are
	 * refused, deleted keys go.
	 */
	private synchronized void apply(Map<String, String> values) {
		boolean changed = !this.rules.known();
		for (Map.Entry<String, String> entry : values.entrySet()) {
			String key = entry.getKey();
			if (key.endsWith("/") || entry.getValue().equals(this.seenValues.get(key))) {
				continue;
			}
			this.seenValues.put(key, entry.getValue());
			List<String> found;
			RuleSet ruleSet = null;
			try {
				ruleSet = this.json.readValue(entry.getValue(), RuleSet.class);
				found = this.validator.problems(ruleSet);
			}
			catch (JacksonException ex) {
				found = List.of("not a rule set in JSON: " + ex.getOriginalMessage());
			}
			if (found.isEmpty()) {
				this.inForce.put(key, ruleSet);
				this.problems.remove(key);
				changed = true;
				log.info("Routing rule set " + key + " version " + ruleSet.version() + " is in force");
			}
			else {
				String problem = String.join("; ", found);
				this.problems.put(key, problem);
				this.rejected.increment();
				changed = true;
				log.warn("Refused routing rule set " + key + " (" + problem + "); "
						+ (this.inForce.containsKey(key) ? "its last good version stays in force" : "none in force"));
			}
		}
		for (String key : List.copyOf(this.seenValues.keySet())) {
			if (!values.containsKey(key)) {
				this.seenValues.remove(key);
				changed |= this.inForce.remove(key) != null;
				changed |= this.problems.remove(key) != null;
			}
		}
		if (changed) {
			this.rules = new RoutingRules(this.rules.index() + 1, true, List.copyOf(this.inForce.values()),
					Map.copyOf(this.problems));
			notifyAll();
		}
	}

	private static String expressionProblem(String expression) {
		try {
			PARSER.parseExpression(expression);
			return null;
		}
		catch (ParseException ex) {
			return ex.getSimpleMessage();
		}
	}

}

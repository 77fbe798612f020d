package dev.bus.sidecar.web;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.ToLongFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.convert.DurationStyle;

import dev.bus.core.sidecar.RoutingRules;
import dev.bus.core.sidecar.ServiceInstances;
import dev.bus.core.sidecar.SidecarApi;
import dev.bus.sidecar.discovery.ServiceWatches;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.routing.RoutingRulesWatch;

/**
 * The local API the app calls on 127.0.0.1, versioned under {@code /v1/} (see
 * docs/sidecar.md):
 * <ul>
 * <li>{@code GET /v1/services/{name}}: the passing instances of a service;</li>
 * <li>{@code GET /v1/brokers}: the passing broker nodes;</li>
 * <li>both take {@code ?index=N&wait=30s}: a long poll that answers when the index
 * differs from {@code N}, so the app hears about a change at once without polling;</li>
 * <li>{@code GET /v1/routes}: the routing rule sets in force (long-pollable), validated
 * from Consul KV;</li>
 * <li>{@code GET /v1/maintenance}: whether the app's instance is in maintenance in
 * Consul;</li>
 * <li>{@code GET /v1/status}: the sidecar's own state;</li>
 * <li>{@code POST /v1/drain}: the app, at its shutdown, takes its instance out of
 * Consul's passing set for the drain time before it stops.</li>
 * </ul>
 * Paths and bodies are the shared contract in {@link SidecarApi} and
 * {@link ServiceInstances}.
 */
public class LocalApiHandler implements HttpHandler {

	private static final Log log = LogFactory.getLog(LocalApiHandler.class);

	private final ServiceWatches watches;

	private final AppRegistrar registrar;

	/**
	 * Long polls parked at once. Each holds one of the server's threads for up to its
	 * wait: capped below the pool size, so plain requests ({@code /v1/status}, a first
	 * lookup) are always served; beyond it a long poll gets 429 and the app retries after
	 * its back-off.
	 */
	private final Semaphore longPolls;

	private final RoutingRulesWatch routingRules;

	private final MeterRegistry meters;

	/**
	 * @param routingRules the routing rules watch, or {@code null} when routing is off
	 * ({@code /v1/routes} is 404)
	 * @param meters where the API's saturation is measured: long polls parked, requests
	 * refused
	 */
	public LocalApiHandler(ServiceWatches watches, AppRegistrar registrar, RoutingRulesWatch routingRules,
			int maxLongPolls, MeterRegistry meters) {
		this.watches = watches;
		this.registrar = registrar;
		this.routingRules = routingRules;
		this.longPolls = new Semaphore(maxLongPolls);
		this.meters = meters;
		meters.gauge("bus.sidecar.api.long.polls", this.longPolls,
				(permits) -> maxLongPolls - permits.availablePermits());
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		// The answer to a failure is written inside the resource block: a
		// try-with-resources closes its resource
		// before its catch clauses run, and an exchange closed unanswered drops the
		// connection with no reply.
		try (exchange) {
			try {
				dispatch(exchange);
			}
			catch (ServiceWatches.TooManyWatchesException ex) {
				this.meters.counter("bus.sidecar.api.rejected", "reason", "too-many-watches").increment();
				JsonExchange.error(exchange, 429, ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				JsonExchange.error(exchange, 503, "the sidecar is shutting down");
			}
			catch (RuntimeException ex) {
				log.warn("Local API request " + exchange.getRequestURI().getPath() + " failed", ex);
				JsonExchange.error(exchange, 500, "internal error: " + ex.getClass().getSimpleName());
			}
		}
	}

	private void dispatch(HttpExchange exchange) throws IOException, InterruptedException {
		String path = exchange.getRequestURI().getPath();
		String allowed = path.equals(SidecarApi.DRAIN) ? "POST" : "GET";
		if (!allowed.equals(exchange.getRequestMethod())) {
			exchange.getResponseHeaders().set("Allow", allowed);
			JsonExchange.error(exchange, 405, "only " + allowed + " is supported");
			return;
		}
		if (path.equals(SidecarApi.DRAIN)) {
			JsonExchange.json(exchange, 200, Map.of("status", "drained", "registered", this.registrar.drain()));
		}
		else if (path.equals(SidecarApi.STATUS)) {
			JsonExchange.json(exchange, 200, status());
		}
		else if (path.equals(SidecarApi.MAINTENANCE)) {
			JsonExchange.json(exchange, 200, this.registrar.maintenance());
		}
		else if (path.equals(SidecarApi.ROUTES) && this.routingRules != null) {
			serveLongPoll(exchange, this.routingRules::rules, this.routingRules::awaitChange, RoutingRules::index);
		}
		else if (path.equals(SidecarApi.BROKERS)) {
			serveService(exchange, this.watches.brokerService());
		}
		else if (path.startsWith(SidecarApi.SERVICES)) {
			String service = path.substring(SidecarApi.SERVICES.length());
			if (!ServiceWatches.isValidName(service)) {
				JsonExchange.error(exchange, 400, "not a valid Consul service name: " + service);
				return;
			}
			serveService(exchange, service);
		}
		else {
			JsonExchange.error(exchange, 404, "no such resource: " + path);
		}
	}

	private void serveService(HttpExchange exchange, String service) throws IOException, InterruptedException {
		serveLongPoll(exchange, () -> this.watches.snapshot(service),
				(index, wait) -> this.watches.awaitChange(service, index, wait), ServiceInstances::index);
	}

	/**
	 * Answers at once without {@code index}; with it, a long poll that answers when the
	 * resource's index differs from the given one, or after {@code wait}.
	 */
	private <T> void serveLongPoll(HttpExchange exchange, Snapshot<T> current, ChangeAwaiter<T> awaitChange,
			ToLongFunction<T> indexOf) throws IOException, InterruptedException {
		Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
		T snapshot;
		if (query.containsKey(SidecarApi.INDEX)) {
			long index;
			Duration wait;
			try {
				index = Long.parseLong(query.get(SidecarApi.INDEX));
				wait = DurationStyle.detectAndParse(query.getOrDefault(SidecarApi.WAIT, "30s"));
			}
			catch (RuntimeException ex) {
				JsonExchange.error(exchange, 400, "index must be a number and wait a duration such as 30s");
				return;
			}
			if (wait.isNegative() || wait.compareTo(SidecarApi.MAX_WAIT) > 0) {
				JsonExchange.error(exchange, 400,
						"wait must be between 0s and " + SidecarApi.MAX_WAIT.toMinutes() + "m");
				return;
			}
			if (!this.longPolls.tryAcquire()) {
				this.meters.counter("bus.sidecar.api.rejected", "reason", "too-many-long-polls").increment();
				exchange.getResponseHeaders().set("Retry-After", "1");
				JsonExchange.error(exchange, 429, "too many long polls parked at once; retry shortly");
				return;
			}
			try {
				snapshot = awaitChange.await(index, wait);
			}
			finally {
				this.longPolls.release();
			}
		}
		else {
			snapshot = current.take();
		}
		exchange.getResponseHeaders().set(SidecarApi.INDEX_HEADER, Long.toString(indexOf.applyAsLong(snapshot)));
		JsonExchange.json(exchange, 200, snapshot);
	}

	/** A resource's current state. */
	@FunctionalInterface
	private interface Snapshot<T> {

		T take() throws InterruptedException;

	}

	/** Waits for a resource to change past an index. */
	@FunctionalInterface
	private interface ChangeAwaiter<T> {

		T await(long index, Duration wait) throws InterruptedException;

	}

	private Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("app", this.registrar.status());
		if (this.routingRules != null) {
			status.put("routing", this.routingRules.rules());
		}
		status.put("watches",
				this.watches.states()
					.stream()
					.map((state) -> Map.of("service", state.snapshot().service(), "index", state.snapshot().index(),
							"known", state.snapshot().known(), "instances", state.snapshot().instances().size(),
							"waiting", state.waiting()))
					.toList());
		return status;
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> query = new HashMap<>();
		if (rawQuery == null) {
			return query;
		}
		for (String pair : rawQuery.split("&")) {
			int equals = pair.indexOf('=');
			String key = (equals < 0) ? pair : pair.substring(0, equals);
			String value = (equals < 0) ? "" : pair.substring(equals + 1);
			query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return query;
	}

}

package dev.bus.sidecar.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

import dev.bus.sidecar.registration.AppRegistrar;

/**
 * Kubernetes probes and Prometheus metrics on the actuator's usual paths, from Spring
 * Boot's availability state (liveness also fails when the heartbeat loop has stopped
 * running) and Micrometer, without the actuator's web stack: {@code /actuator/health}
 * (liveness and readiness together), {@code /actuator/health/liveness},
 * {@code /actuator/health/readiness}, {@code /actuator/prometheus}; and the pod's
 * pre-stop hooks (Kubernetes' {@code httpGet} can only GET): {@code /drain} takes the
 * instance out of Consul's passing set and holds for the drain time (the app container's
 * hook, before the app gets SIGTERM); {@code /drain?await=app-stop} also waits for the
 * app to stop (the sidecar's own hook where both containers stop at once). A drain is
 * done once; it lasts until the pod goes, so keep this port from other pods' reach (the
 * chart's NetworkPolicy). The sidecar is ready once its context has started; it does not
 * wait for Consul, because the app must keep working (on its last known state) while
 * Consul is away.
 */
public class ManagementHandler implements HttpHandler {

	private final ApplicationAvailability availability;

	private final PrometheusMeterRegistry prometheus;

	private final AppRegistrar registrar;

	private final Duration appStopTimeout;

	public ManagementHandler(ApplicationAvailability availability, PrometheusMeterRegistry prometheus,
			AppRegistrar registrar, Duration appStopTimeout) {
		this.availability = availability;
		this.prometheus = prometheus;
		this.registrar = registrar;
		this.appStopTimeout = appStopTimeout;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"GET".equals(exchange.getRequestMethod())) {
				JsonExchange.error(exchange, 405, "only GET is supported");
				return;
			}
			boolean live = this.availability.getLivenessState() == LivenessState.CORRECT
					&& this.registrar.heartbeatAlive();
			boolean ready = this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
			switch (exchange.getRequestURI().getPath()) {
				case "/actuator/health" -> health(exchange, live && ready, "OUT_OF_SERVICE");
				case "/actuator/health/liveness" -> health(exchange, live, "DOWN");
				case "/actuator/health/readiness" -> health(exchange, ready, "OUT_OF_SERVICE");
				case "/actuator/prometheus" -> JsonExchange.send(exchange, 200,
						"text/plain; version=0.0.4; charset=utf-8", JsonExchange.utf8(this.prometheus.scrape()));
				case "/drain" -> drain(exchange);
				default -> JsonExchange.error(exchange, 404, "no such resource");
			}
		}
	}

	private void drain(HttpExchange exchange) throws IOException {
		this.registrar.drain();
		String query = exchange.getRequestURI().getQuery();
		if ("await=app-stop".equals(query)) {
			boolean stopped = this.registrar.awaitAppStopped(this.appStopTimeout);
			JsonExchange.json(exchange, 200, Map.of("status", "drained", "appStopped", stopped));
			return;
		}
		JsonExchange.json(exchange, 200, Map.of("status", "drained"));
	}

	private static void health(HttpExchange exchange, boolean up, String downStatus) throws IOException {
		JsonExchange.json(exchange, up ? 200 : 503, Map.of("status", up ? "UP" : downStatus));
	}

}

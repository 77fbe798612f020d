package dev.bus.sidecar.web;

import java.io.IOException;
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
 * {@code /actuator/health/readiness}, {@code /actuator/prometheus}. Read-only on purpose:
 * this port is reachable from other pods (the kubelet's probes, Prometheus), so nothing
 * here changes the instance; the drain is on the loopback local API
 * ({@link LocalApiHandler}). The sidecar is ready once its context has started; it does
 * not wait for Consul, because the app must keep working (on its last known state) while
 * Consul is away.
 */
public class ManagementHandler implements HttpHandler {

	private final ApplicationAvailability availability;

	private final PrometheusMeterRegistry prometheus;

	private final AppRegistrar registrar;

	public ManagementHandler(ApplicationAvailability availability, PrometheusMeterRegistry prometheus,
			AppRegistrar registrar) {
		this.availability = availability;
		this.prometheus = prometheus;
		this.registrar = registrar;
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
				default -> JsonExchange.error(exchange, 404, "no such resource");
			}
		}
	}

	private static void health(HttpExchange exchange, boolean up, String downStatus) throws IOException {
		JsonExchange.json(exchange, up ? 200 : 503, Map.of("status", up ? "UP" : downStatus));
	}

}

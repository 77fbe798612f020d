package dev.bus.sidecar.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.test.Sidecars;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sidecar metric a Prometheus scrape shows has HELP text: an operator reading a
 * dashboard learns what it counts without the source.
 */
class SidecarMetricsIT {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (bus_sidecar_\\w+) ");

	@Test
	void everySidecarMetricHasHelpText() throws Exception {
		try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-metrics",
				"bus.sidecar.app.port=1", "bus.sidecar.telemetry.endpoint=http://127.0.0.1:1/v1/traces")) {
			// a watch and a refused OTLP request, so their meters exist too
			HTTP.send(HttpRequest.newBuilder(URI.create(Sidecars.api(sidecar) + "/v1/brokers")).build(),
					HttpResponse.BodyHandlers.discarding());
			HTTP.send(HttpRequest.newBuilder(URI.create(Sidecars.otlpTraces(sidecar)))
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("x"))
				.build(), HttpResponse.BodyHandlers.discarding());
			String scrape = HTTP
				.send(HttpRequest.newBuilder(URI.create(Sidecars.management(sidecar) + "/actuator/prometheus")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			Set<String> families = new TreeSet<>();
			Matcher matcher = FAMILY.matcher(scrape);
			while (matcher.find()) {
				families.add(matcher.group(1));
			}
			assertThat(families).as("the sidecar's own metrics")
				.contains("bus_sidecar_registrations_total", "bus_sidecar_spans_received_total",
						"bus_sidecar_otlp_rejected_total", "bus_sidecar_watch_latency_seconds",
						"bus_sidecar_spans_queued");
			for (String family : families) {
				Matcher help = Pattern.compile("(?m)^# HELP " + family + " (.*)$").matcher(scrape);
				assertThat(help.find()).as(family + " has a HELP line").isTrue();
				assertThat(help.group(1)).as(family + " HELP text").isNotBlank();
			}
		}
	}

}

package dev.bus.it;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app with tracing on whose sidecar is gone: it says so once (a WARN, no stack trace,
 * none of the OTLP exporter's SEVERE records), counts the spans it drops in
 * {@code bus.tracing.spans.dropped}, and says once that spans flow again when a sidecar
 * is back on the same port.
 */
@ExtendWith(OutputCaptureExtension.class)
class SidecarGoneTracingIT {

	private static final String GONE = "Spans cannot be exported to";

	private static final String BACK = "again; ";

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@BeforeEach
	void exportEveryTenthOfASecond() {
		System.setProperty("otel.bsp.schedule.delay", "100");
	}

	@AfterEach
	void defaultExportDelay() {
		System.clearProperty("otel.bsp.schedule.delay");
	}

	@Test
	void saysOnceThatSpansAreDroppedCountsThemAndSaysOnceWhenTheyFlowAgain(CapturedOutput output) {
		ConfigurableApplicationContext firstSidecar = Sidecars.start("bus.sidecar.app.name=bus-it-gone",
				"bus.sidecar.app.port=1", "bus.sidecar.registration.enabled=false");
		String traces = Sidecars.otlpTraces(firstSidecar);
		// the sidecar is gone: its receiver's port refuses connections
		firstSidecar.close();
		try (ConfigurableApplicationContext app = BusContexts.start(BusContexts.uniqueName("bus-gone"),
				BusContexts.uniqueName("gone"), List.of(), "bus.tracing.enabled=true",
				"bus.tracing.otlp-endpoint=" + traces)) {
			this.cleanup.track(app);
			BusPublisher publisher = app.getBean(BusPublisher.class);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			// Several export rounds fail: spans of one publish each, a tenth of a second
			// apart.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				publishTraced(publisher);
				return meters.get("bus.tracing.spans.dropped").functionCounter().count() >= 10;
			});
			assertThat(output.getOut().split(GONE, -1)).as("said once").hasSize(2);
			assertThat(output.getAll()).doesNotContain("Failed to export");

			int port = URI.create(traces).getPort();
			try (ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-gone",
					"bus.sidecar.app.port=1", "bus.sidecar.registration.enabled=false",
					"bus.sidecar.telemetry.port=" + port)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> {
					publishTraced(publisher);
					return output.getOut().contains(BACK);
				});
				double dropped = meters.get("bus.tracing.spans.dropped").functionCounter().count();
				for (int i = 0; i < 5; i++) {
					publishTraced(publisher);
				}
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(5))
					.until(() -> output.getOut().split(BACK, -1).length == 2);
				System.out.printf("[tracing] sidecar gone: %.0f spans dropped and counted, 1 WARN, 1 INFO when back%n",
						dropped);
				assertThat(meters.get("bus.tracing.spans.dropped").functionCounter().count()).isEqualTo(dropped);
				assertThat(output.getOut().split(GONE, -1)).as("still said once").hasSize(2);
			}
		}
	}

	/**
	 * A traced publish (a PRODUCER span); no listener is bound, so the broker returns it
	 * unroutable.
	 */
	private static void publishTraced(BusPublisher publisher) {
		publisher.publish("gone.checked", "traced").exceptionally((error) -> null).join();
	}

}

package dev.bus.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app whose sidecar has already gone (its OTLP receiver on loopback refuses
 * connections) shuts down with tracing on about as fast as with tracing off: the last
 * spans are tried once and dropped, not retried for seconds (the SDK's default retries
 * held the shutdown 8.4 s here).
 */
class TracingShutdownIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@Test
	void anAppWhoseSidecarHasGoneShutsDownWithoutWaitingForSpanRetries() {
		Duration traced = closeAfterPublishing("true");
		Duration untraced = closeAfterPublishing("false");
		System.out.printf("[shutdown] sidecar gone: closing took %d ms with tracing, %d ms without%n",
				traced.toMillis(), untraced.toMillis());
		assertThat(traced).isLessThan(Duration.ofSeconds(2));
	}

	private Duration closeAfterPublishing(String tracing) {
		ConfigurableApplicationContext app = BusContexts.start(BusContexts.uniqueName("bus-shutdown"),
				BusContexts.uniqueName("shutdown"), List.of(), "bus.tracing.enabled=" + tracing,
				// the sidecar's receiver, which is no longer there
				"bus.tracing.otlp-endpoint=http://127.0.0.1:1/v1/traces");
		this.cleanup.track(app);
		BusPublisher publisher = app.getBean(BusPublisher.class);
		for (int i = 0; i < 10; i++) {
			publisher.publish("shutdown.checked", "m-" + i).exceptionally((error) -> null).join();
		}
		long started = System.nanoTime();
		app.close();
		return Duration.ofNanos(System.nanoTime() - started);
	}

}

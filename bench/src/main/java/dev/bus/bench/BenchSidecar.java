package dev.bus.bench;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.sidecar.SidecarApplication;
import dev.bus.sidecar.web.SidecarHttpServer;

/**
 * A real sidecar for scenario D, started on first use in the benchmark's JVM: it receives
 * the traced contender's spans over OTLP and exports them to the local Zipkin, as in a
 * pod.
 */
final class BenchSidecar implements AutoCloseable {

	private ConfigurableApplicationContext context;

	synchronized String otlpEndpoint() {
		if (this.context == null) {
			this.context = SidecarApplication.application()
				.run("--bus.sidecar.app.name=bench", "--bus.sidecar.app.port=1", "--bus.sidecar.api.port=0",
						"--bus.sidecar.consul.development=true", "--bus.sidecar.management.port=0",
						"--bus.sidecar.management.address=127.0.0.1", "--bus.sidecar.telemetry.port=0",
						"--bus.sidecar.telemetry.exporter=zipkin",
						"--bus.sidecar.telemetry.endpoint=http://127.0.0.1:9411/api/v2/spans",
						"--logging.level.root=warn");
		}
		int port = this.context.getBean("telemetryServer", SidecarHttpServer.class).address().getPort();
		return "http://127.0.0.1:" + port + "/v1/traces";
	}

	/** What the sidecar did with the spans, for the report; empty when it never ran. */
	synchronized String summary() {
		if (this.context == null) {
			return "";
		}
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		return String.format(
				"D: the sidecar received %,.0f spans, exported %,.0f to Zipkin, dropped %,.0f (queue full) "
						+ "and %,.0f (export failed).%n",
				meters.counter("bus.sidecar.spans.received").count(),
				meters.counter("bus.sidecar.spans.exported").count(),
				meters.counter("bus.sidecar.spans.dropped", "reason", "queue-full").count(),
				meters.counter("bus.sidecar.spans.dropped", "reason", "export-failed").count());
	}

	@Override
	public synchronized void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

}

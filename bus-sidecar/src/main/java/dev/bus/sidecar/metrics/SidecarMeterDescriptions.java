package dev.bus.sidecar.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * The HELP text of every sidecar meter, in one place: a {@link MeterFilter} that gives
 * each {@code bus.sidecar.*} meter its description as it is registered, so the classes
 * that count keep their one-line {@code registry.counter(name, tags)}. A sidecar meter
 * missing here fails {@code SidecarMetricsIT}.
 */
public final class SidecarMeterDescriptions implements MeterFilter {

	static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
			Map.entry("bus.sidecar.registrations",
					"Times the app was registered in Consul (again after Consul forgot it)"),
			Map.entry("bus.sidecar.heartbeat.failures", "Heartbeats Consul rejected (it no longer knew the instance)"),
			Map.entry("bus.sidecar.consul.errors", "Consul calls that failed, by operation (registration, watch)"),
			Map.entry("bus.sidecar.app.registered", "1 while the app is registered in Consul, else 0"),
			Map.entry("bus.sidecar.spans.received", "Spans received from the app over OTLP"),
			Map.entry("bus.sidecar.spans.sampled.out", "Spans dropped by the sampling ratio (whole traces)"),
			Map.entry("bus.sidecar.spans.dropped", "Spans dropped, by reason (queue-full, export-failed)"),
			Map.entry("bus.sidecar.spans.exported", "Spans exported to the trace backend"),
			Map.entry("bus.sidecar.spans.export.latency", "Time of one export call to the trace backend"),
			Map.entry("bus.sidecar.spans.queued", "Spans waiting for export"),
			Map.entry("bus.sidecar.otlp.rejected", "OTLP requests refused, by reason"),
			Map.entry("bus.sidecar.routing.rejected",
					"Routing rule sets refused from Consul KV (the last good one kept)"),
			Map.entry("bus.sidecar.watch.latency", "Time of one blocking query on a watched service"),
			Map.entry("bus.sidecar.api.long.polls", "Long polls parked on the local API now (at most 12)"),
			Map.entry("bus.sidecar.api.rejected",
					"Local API requests refused with 429, by reason (too-many-long-polls, too-many-watches)"),
			Map.entry("bus.sidecar.brokers.passing",
					"Passing instances of the broker service in Consul (0: none to connect to; -1: not known yet)"));

	@Override
	public Meter.Id map(Meter.Id id) {
		String description = DESCRIPTIONS.get(id.getName());
		return (description != null && id.getDescription() == null) ? new Meter.Id(id.getName(),
				Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType()) : id;
	}

}

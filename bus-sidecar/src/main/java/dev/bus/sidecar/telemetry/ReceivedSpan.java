package dev.bus.sidecar.telemetry;

import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

/**
 * A finished span received over OTLP, as the OpenTelemetry SDK's exporters take it, so
 * the sidecar re-exports with the SDK's own OTLP and Zipkin exporters instead of encoders
 * of its own.
 */
record ReceivedSpan(String name, SpanKind kind, SpanContext spanContext, SpanContext parentSpanContext,
		StatusData status, long startEpochNanos, long endEpochNanos, Attributes attributes, List<EventData> events,
		List<LinkData> links, InstrumentationScopeInfo scope, Resource resource) implements SpanData {

	ReceivedSpan withResource(Resource merged) {
		return new ReceivedSpan(this.name, this.kind, this.spanContext, this.parentSpanContext, this.status,
				this.startEpochNanos, this.endEpochNanos, this.attributes, this.events, this.links, this.scope, merged);
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public SpanKind getKind() {
		return this.kind;
	}

	@Override
	public SpanContext getSpanContext() {
		return this.spanContext;
	}

	@Override
	public SpanContext getParentSpanContext() {
		return this.parentSpanContext;
	}

	@Override
	public StatusData getStatus() {
		return this.status;
	}

	@Override
	public long getStartEpochNanos() {
		return this.startEpochNanos;
	}

	@Override
	public Attributes getAttributes() {
		return this.attributes;
	}

	@Override
	public List<EventData> getEvents() {
		return this.events;
	}

	@Override
	public List<LinkData> getLinks() {
		return this.links;
	}

	@Override
	public long getEndEpochNanos() {
		return this.endEpochNanos;
	}

	@Override
	public boolean hasEnded() {
		return true;
	}

	@Override
	public int getTotalRecordedEvents() {
		return this.events.size();
	}

	@Override
	public int getTotalRecordedLinks() {
		return this.links.size();
	}

	@Override
	public int getTotalAttributeCount() {
		return this.attributes.size();
	}

	@Override
	@SuppressWarnings("deprecation")
	public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
		return InstrumentationLibraryInfo.create(this.scope.getName(), this.scope.getVersion());
	}

	@Override
	public InstrumentationScopeInfo getInstrumentationScopeInfo() {
		return this.scope;
	}

	@Override
	public Resource getResource() {
		return this.resource;
	}

}

package dev.bus.sidecar.telemetry;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import dev.bus.sidecar.SidecarProperties;
import dev.bus.sidecar.TelemetryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pipeline's export loop, with exporters that stand in for the backend. */
class SpanPipelineTest {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final InMemorySpanExporter backend = InMemorySpanExporter.create();

	@Test
	void anExporterWhoseClassesAreMissingFailsItsBatchesButNotTheExportLoop() {
		AtomicInteger creations = new AtomicInteger();
		// The first exporter cannot be created (as the packaged jar without the OTLP
		// encoder could not); the next can.
		SpanPipeline pipeline = pipeline(() -> {
			if (creations.incrementAndGet() == 1) {
				throw new NoClassDefFoundError("io/opentelemetry/exporter/internal/otlp/traces/Marshaler");
			}
			return this.backend;
		});
		pipeline.start();
		try {
			pipeline.accept(List.of(span("first")));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.meters.counter("bus.sidecar.spans.dropped", "reason", "export-failed").count() == 1);
			pipeline.accept(List.of(span("second")));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.backend.getFinishedSpanItems().size() == 1);
			assertThat(this.backend.getFinishedSpanItems().get(0).getName()).isEqualTo("second");
			assertThat(this.meters.counter("bus.sidecar.spans.exported").count()).isEqualTo(1);
		}
		finally {
			pipeline.stop();
		}
	}

	@Test
	void spansArrivingWithinTheScheduleDelayOfABatchsFirstAreExportedTogetherUpToTheBatchSize() {
		List<Integer> batches = new CopyOnWriteArrayList<>();
		SpanExporter counting = new SpanExporter() {

			@Override
			public CompletableResultCode export(Collection<SpanData> spans) {
				batches.add(spans.size());
				return CompletableResultCode.ofSuccess();
			}

			@Override
			public CompletableResultCode flush() {
				return CompletableResultCode.ofSuccess();
			}

			@Override
			public CompletableResultCode shutdown() {
				return CompletableResultCode.ofSuccess();
			}

		};
		TelemetryProperties settings = settings(Duration.ofSeconds(2));
		settings.setMaxBatchSize(40);
		SpanPipeline pipeline = new SpanPipeline(() -> counting, settings, Resource.empty(), this.meters,
				new SimpleAsyncTaskExecutor());
		pipeline.start();
		try {
			// three requests of 15 spans: one batch of 40 at once (full), the other 5
			// when the delay has passed
			for (int request = 0; request < 3; request++) {
				pipeline.accept(IntStream.range(0, 15).mapToObj((i) -> span("s" + i)).toList());
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> batches.stream().mapToInt(Integer::intValue).sum() == 45);
			assertThat(batches).containsExactly(40, 5);
		}
		finally {
			pipeline.stop();
		}
	}

	private SpanPipeline pipeline(Supplier<SpanExporter> exporters) {
		return new SpanPipeline(exporters, settings(Duration.ofMillis(20)), Resource.empty(), this.meters,
				new SimpleAsyncTaskExecutor());
	}

	private static TelemetryProperties settings(Duration scheduleDelay) {
		TelemetryProperties settings = new SidecarProperties().getTelemetry();
		settings.setMaxExportAttempts(1);
		settings.setScheduleDelay(scheduleDelay);
		return settings;
	}

	private static ReceivedSpan span(String name) {
		SpanContext context = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getSampled(), TraceState.getDefault());
		return new ReceivedSpan(name, SpanKind.CONSUMER, context, SpanContext.getInvalid(), StatusData.unset(), 1, 2,
				Attributes.empty(), List.of(), List.of(), InstrumentationScopeInfo.create("dev.bus"), Resource.empty());
	}

}

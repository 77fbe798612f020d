package dev.bus.tracing;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts the spans an exporter could not deliver, and says so once per outage: a WARN
 * when exports start failing (the sidecar gone, the collector unreachable), an INFO when
 * they succeed again, nothing in between. The SDK's batch processor drops a batch whose
 * export failed (Bus turns off the exporter's retries toward the loopback sidecar, see
 * {@link BusOpenTelemetrySdk}), so the count is what the trace backend will never see.
 * The OTLP exporter's own failure log, a SEVERE record with a stack trace up to five
 * times a minute, is turned off when Bus built the SDK and the application sets no level
 * for it ({@code BusTracingLogLevels}), since this says the same once.
 */
public final class DroppedSpans {

	private static final Log logger = LogFactory.getLog(DroppedSpans.class);

	private final LongAdder dropped = new LongAdder();

	private final LongAdder droppedThisOutage = new LongAdder();

	private final AtomicBoolean failing = new AtomicBoolean();

	/** Spans dropped because their export failed, since the application started. */
	public long count() {
		return this.dropped.sum();
	}

	/** Wraps an exporter so that its failures are counted and reported here. */
	public SpanExporter counting(SpanExporter exporter, String endpoint) {
		return new SpanExporter() {

			@Override
			public CompletableResultCode export(Collection<SpanData> spans) {
				CompletableResultCode result = exporter.export(spans);
				int size = spans.size();
				result.whenComplete(() -> {
					if (result.isSuccess()) {
						succeeded(endpoint);
					}
					else {
						failed(endpoint, size, result.getFailureThrowable());
					}
				});
				return result;
			}

			@Override
			public CompletableResultCode flush() {
				return exporter.flush();
			}

			@Override
			public CompletableResultCode shutdown() {
				return exporter.shutdown();
			}

			@Override
			public String toString() {
				return "Counting(" + exporter + ")";
			}

		};
	}

	void failed(String endpoint, int spans, Throwable cause) {
		this.dropped.add(spans);
		this.droppedThisOutage.add(spans);
		if (this.failing.compareAndSet(false, true)) {
			logger.warn("Spans cannot be exported to " + endpoint + " (" + why(cause) + "); dropping them, counted "
					+ "in bus.tracing.spans.dropped, until it answers again");
		}
	}

	/**
	 * The root cause, which names what happened (the exporter wraps it two or three
	 * times).
	 */
	private static String why(Throwable cause) {
		if (cause == null) {
			return "the receiver refused them";
		}
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

	void succeeded(String endpoint) {
		if (this.failing.compareAndSet(true, false)) {
			logger.info("Spans are exported to " + endpoint + " again; " + this.droppedThisOutage.sumThenReset()
					+ " were dropped meanwhile");
		}
	}

}

package dev.bus.bench;

/**
 * Where the benchmark's listeners (Bus's, Spring Cloud Stream's) report each payload: the
 * latencies of the run in progress. Static, as the listener is a bean of an application
 * the run starts and cannot be handed the run's object.
 */
final class PayloadSink {

	/** The run in progress. */
	static volatile Latencies current;

	private PayloadSink() {
	}

	/** Starts a run of {@code messages}. */
	static Latencies start(int messages) {
		Latencies latencies = new Latencies(messages);
		current = latencies;
		return latencies;
	}

	static void accept(BusContender.Payload payload) {
		current.record(System.nanoTime() - payload.sentNanos());
	}

}

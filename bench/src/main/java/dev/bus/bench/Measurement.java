package dev.bus.bench;

import java.util.Arrays;

/**
 * Throughput and end-to-end latency (publish call to consumer entry) of one run.
 *
 * @param messagesPerSecond messages over the time from the first publish to the last
 * delivery
 * @param latencyMicros per-message latency, sorted
 * @param jvmCpuMicros CPU of the benchmark's JVM (publisher and consumer) per message
 * @param brokerCpuMicros CPU of the RabbitMQ node per message
 */
record Measurement(double messagesPerSecond, long[] latencyMicros, double jvmCpuMicros, double brokerCpuMicros) {

	static Measurement of(int messages, long startNanos, long endNanos, long[] latencyNanos, CpuClock cpu) {
		double jvmCpu = cpu.jvmMicrosPer(messages);
		double brokerCpu = cpu.brokerMicrosPer(messages);
		long[] micros = Arrays.stream(latencyNanos).map((nanos) -> nanos / 1000).sorted().toArray();
		return new Measurement(messages / ((endNanos - startNanos) / 1e9), micros, jvmCpu, brokerCpu);
	}

	long percentile(double percentile) {
		if (this.latencyMicros.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100.0 * this.latencyMicros.length) - 1;
		return this.latencyMicros[Math.max(0, Math.min(index, this.latencyMicros.length - 1))];
	}

}

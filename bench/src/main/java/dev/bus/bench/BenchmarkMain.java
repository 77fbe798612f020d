package dev.bus.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.bus.bench.RawClientContender.Wire;

/**
 * Runs every contender through every scenario, alternating contenders within each round
 * so that a drifting, shared machine affects them alike, and prints medians over the
 * rounds with each contender's ratio to the raw client.
 *
 * <pre>
 * java -jar bench/target/bench-*.jar [--rounds 3] [--messages 100000] [--warmup 20000]
 *                                    [--scenarios A,B-classic,B-quorum,C,C-1k,D,E]
 *                                    [--contenders "Bus,Bus (simple)"] [--wire-breakdown] [--proofs]
 *                                    [--write docs/BENCHMARKS.md] [--host 127.0.0.1] [--port 5672]
 * </pre>
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
		int messages = Integer.parseInt(options.getOrDefault("messages", "100000"));
		String host = options.getOrDefault("host", "127.0.0.1");
		int port = Integer.parseInt(options.getOrDefault("port", "5672"));
		List<Scenario> scenarios = scenarios(options.getOrDefault("scenarios", "A,B-classic,B-quorum,C,C-1k,D,E"));
		BenchSidecar sidecar = new BenchSidecar();
		SpanSink spanSink = new SpanSink();
		List<Contender> contenders = new ArrayList<>(List.of(new RawClientContender(host, port, Wire.PERFTEST),
				new BusContender(host, port, false), new StreamContender(host, port),
				new BusContender(host, port, true), new BusContender(host, port, false, null, "simple"),
				new BusContender(host, port, false, sidecar::otlpEndpoint, "direct"), new OutboxContender(host, port),
				new ThreadChannelContender(host, port), BusContender.encrypted(host, port),
				BusContender.encrypted(host, port, true), BusContender.securedNode(host, false, false),
				BusContender.securedNode(host, true, false), BusContender.securedNode(host, true, true),
				new RequestReplyContender(host, port, true), new RequestReplyContender(host, port, false),
				BusContender.withRoutingRules(host, port), BusContender.observed(host, port),
				BusContender.tracedTo(host, port, spanSink::otlpEndpoint, 1.0, "Bus (tracing → sink)"),
				BusContender.tracedTo(host, port, spanSink::otlpEndpoint, 0.1, "Bus (tracing 10% → sink)"),
				BusContender.batching(host, port, 50, Duration.ofMillis(1)),
				BusContender.batching(host, port, 100, Duration.ofMillis(2)),
				BusContender.batching(host, port, 1000, Duration.ofMillis(20)),
				new BatchEncryptionContender(host, port, BatchEncryptionContender.Layout.CLEAR),
				new BatchEncryptionContender(host, port, BatchEncryptionContender.Layout.PER_MESSAGE),
				new BatchEncryptionContender(host, port, BatchEncryptionContender.Layout.WHOLE_BATCH),
				new RawClientContender(host, port, Wire.BUS)));
		if (options.containsKey("wire-breakdown")) {
			for (Wire wire : List.of(Wire.TOPIC_EXCHANGE, Wire.MANDATORY)) {
				contenders.add(contenders.size() - 1, new RawClientContender(host, port, wire));
			}
			contenders.add(new RawClientContender(host, port, Wire.ENCRYPTION_HEADER));
			contenders.add(new RawClientContender(host, port, Wire.CLOUD_EVENTS_HEADERS));
		}
		if (options.containsKey("proofs")) {
			// what binding a per-message token to its message by a signature would cost
			// (issue 27)
			for (MessageProof.Kind kind : MessageProof.Kind.values()) {
				contenders.add(new RawClientContender(host, port, Wire.BUS, kind));
			}
		}
		if (options.containsKey("contenders")) {
			contenders = selected(contenders, options.get("contenders"));
		}

		// Round 0 warms every contender up in every scenario and is not counted: the
		// first run of each would
		// otherwise carry the JIT compiling its code into its CPU figures (several times
		// its steady cost in A).
		int warmup = Integer.parseInt(options.getOrDefault("warmup", "20000"));
		Map<Scenario, Map<String, List<Measurement>>> results = new EnumMap<>(Scenario.class);
		for (int round = (warmup > 0) ? 0 : 1; round <= rounds; round++) {
			for (Scenario scenario : scenarios) {
				// C, C-1k and E run at a fixed rate: 5 s (C) and 10 s (C-1k, E) of
				// traffic give stable percentiles.
				int seconds = (scenario == Scenario.E_OUTBOX || scenario == Scenario.C_LATENCY_1K) ? 10 : 5;
				int count = (scenario.rate > 0) ? Math.min(messages, scenario.rate * seconds) : messages;
				if (round == 0) {
					count = Math.min(count, warmup);
				}
				List<Contender> order = new ArrayList<>(contenders);
				java.util.Collections.rotate(order, round - 1);
				for (Contender contender : order) {
					if (!contender.supports(scenario)) {
						continue;
					}
					Measurement measurement = contender.run(scenario, count);
					if (round > 0) {
						results.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
							.computeIfAbsent(contender.name(), (key) -> new ArrayList<>())
							.add(measurement);
					}
					System.out.printf(
							"%-7s %-10s %-24s %,10.0f msg/s  p50 %,6d us  p99 %,7d us  cpu/msg: jvm %5.1f us,"
									+ " broker %5.1f us%n",
							(round == 0) ? "warm-up" : "round " + round, scenario.label, contender.name(),
							measurement.messagesPerSecond(), measurement.percentile(50), measurement.percentile(99),
							measurement.jvmCpuMicros(), measurement.brokerCpuMicros());
				}
			}
		}
		String report = report(results, contenders, rounds, messages, warmup, host, port, String.join(" ", args),
				sidecar.summary() + spanSink.summary());
		sidecar.close();
		spanSink.close();
		System.out.println();
		System.out.println(report);
		if (options.containsKey("write")) {
			Path target = Path.of(options.get("write"));
			List<Path> charts = BenchmarkChart.write(results, contenders.get(0).name(), target);
			StringBuilder images = new StringBuilder();
			for (Path chart : charts) {
				images.append("![")
					.append(chart.getFileName())
					.append("](")
					.append(chart.getFileName())
					.append(")\n\n");
			}
			// The pictures go above the table, under the title and how the run was made.
			int table = report.indexOf("| scenario |");
			Files.writeString(target, report.substring(0, table) + images + report.substring(table));
			System.out.println("written to " + target + " with " + charts);
		}
		System.exit(0);
	}

	private static String report(Map<Scenario, Map<String, List<Measurement>>> results, List<Contender> contenders,
			int rounds, int messages, int warmup, String host, int port, String args, String sidecarSummary)
			throws Exception {
		StringBuilder out = new StringBuilder();
		out.append("# Benchmarks\n\n");
		out.append("Produced by `scripts/bench")
			.append(args.isEmpty() ? "" : " " + args)
			.append("` on ")
			.append(LocalDate.now())
			.append(". Medians of ")
			.append(rounds)
			.append(" rounds, after a warm-up run of each contender in each scenario (up to ")
			.append(String.format("%,d", warmup))
			.append(" messages, not counted); contenders alternate within each round on the same broker. Latency is")
			.append(" end to end, ")
			.append("from the publish call to the consumer's entry, in microseconds.\n\n");
		out.append("Machine: ").append(machine(host, port)).append("\n\n");
		out.append("| scenario | contender | msg/s | × raw | × raw on Bus's wire | p50 µs | p95 µs | p99 µs | max µs ")
			.append("| CPU µs/msg: JVM | broker |\n");
		out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		StringBuilder notes = new StringBuilder();
		for (Map.Entry<Scenario, Map<String, List<Measurement>>> scenario : results.entrySet()) {
			List<Measurement> rawRuns = scenario.getValue().get(contenders.get(0).name());
			List<Measurement> busWireRuns = scenario.getValue().get(Wire.BUS.contender);
			for (Map.Entry<String, List<Measurement>> contender : scenario.getValue().entrySet()) {
				double throughput = median(contender.getValue(), -1);
				out.append(String.format("| %s | %s | %,.0f | %s | %s | %,d | %,d | %,d | %,d | %.1f | %.1f |%n",
						scenario.getKey().label, contender.getKey(), throughput, ratio(throughput, rawRuns),
						ratio(throughput, busWireRuns), (long) median(contender.getValue(), 50),
						(long) median(contender.getValue(), 95), (long) median(contender.getValue(), 99),
						(long) median(contender.getValue(), 100),
						median(contender.getValue(), Measurement::jvmCpuMicros),
						median(contender.getValue(), Measurement::brokerCpuMicros)));
			}
			List<Measurement> busRuns = scenario.getValue().get("Bus");
			if (scenario.getKey().rate > 0 && scenario.getKey().label.startsWith("C") && rawRuns != null
					&& busRuns != null) {
				notes.append(String.format(
						"%s: Bus adds %,d µs to the raw client's p50; its p99 is %.2f× the raw " + "client's.%n",
						scenario.getKey().label, (long) (median(busRuns, 50) - median(rawRuns, 50)),
						median(busRuns, 99) / median(rawRuns, 99)));
			}
		}
		if (results.containsKey(Scenario.D_TRACING)) {
			List<Measurement> bus = results.get(Scenario.D_TRACING).get("Bus");
			List<Measurement> traced = results.get(Scenario.D_TRACING).get("Bus (tracing)");
			if (bus != null && traced != null) {
				notes.append(String.format("D: tracing on costs %.0f%% of Bus's throughput.%n",
						100 * (1 - median(traced, -1) / median(bus, -1))));
			}
			for (String sunk : List.of("Bus (tracing → sink)", "Bus (tracing 10% → sink)")) {
				List<Measurement> runs = results.get(Scenario.D_TRACING).get(sunk);
				if (bus != null && runs != null) {
					notes.append(String.format(
							"D: %s: %.2f× Bus's throughput, JVM CPU per message %+.0f%% (%.1f " + "against %.1f µs).%n",
							sunk, median(runs, -1) / median(bus, -1),
							100 * (median(runs, Measurement::jvmCpuMicros) / median(bus, Measurement::jvmCpuMicros)
									- 1),
							median(runs, Measurement::jvmCpuMicros), median(bus, Measurement::jvmCpuMicros)));
				}
			}
			notes.append(sidecarSummary);
		}
		out.append("\n").append(notes);
		out.append("\nScenarios: ");
		for (Scenario scenario : results.keySet()) {
			out.append(scenario.label).append(" = ").append(scenario.description).append("; ");
		}
		out.append("256-byte payloads, one producer and one consumer, manual acks, prefetch 250, confirms with 200 ")
			.append("in flight (Bus with batching: 4,000 logical messages in flight). ")
			.append(messages)
			.append(" messages per run (C: 5 s, C-1k and E: 10 s of traffic). × raw: against the raw client on ")
			.append("PerfTest's wire (the broker's best case); × raw on Bus's wire: against the raw client sending ")
			.append("exactly what Bus sends (what Bus's own code costs).\n\n")
			.append("Sidecar footprint (F): `scripts/bench-sidecar`, in [SIDECAR-FOOTPRINT.md](SIDECAR-FOOTPRINT.md).\n");
		return out.toString();
	}

	/**
	 * Throughput against the median of a reference contender's runs, or a dash when it
	 * did not run.
	 */
	private static String ratio(double throughput, List<Measurement> reference) {
		return (reference != null) ? String.format("%.2f", throughput / median(reference, -1)) : "–";
	}

	/**
	 * Median over rounds of throughput ({@code percentile < 0}) or of a latency
	 * percentile.
	 */
	private static double median(List<Measurement> measurements, double percentile) {
		return median(measurements, (m) -> (percentile < 0) ? m.messagesPerSecond() : m.percentile(percentile));
	}

	static double median(List<Measurement> measurements, ToDoubleFunction<Measurement> value) {
		double[] values = measurements.stream().mapToDouble(value).sorted().toArray();
		return values[values.length / 2];
	}

	private static String machine(String host, int port) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(host);
		factory.setPort(port);
		String broker;
		try (Connection connection = factory.newConnection()) {
			broker = "RabbitMQ " + connection.getServerProperties().get("version");
		}
		long memoryGiB = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getTotalMemorySize() / (1L << 30);
		return Runtime.getRuntime().availableProcessors() + " cores, " + memoryGiB + " GiB, "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
				+ System.getProperty("java.version") + ", " + broker + " on the same machine";
	}

	/**
	 * The raw client (always first: the ratios' reference) and the contenders named,
	 * comma-separated.
	 */
	private static List<Contender> selected(List<Contender> all, String names) {
		List<String> wanted = Arrays.stream(names.split(",")).map(String::trim).toList();
		List<Contender> selected = new ArrayList<>(List.of(all.get(0)));
		for (String name : wanted) {
			selected.add(all.stream()
				.filter((contender) -> contender.name().equalsIgnoreCase(name))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("unknown contender '" + name + "'")));
		}
		return selected;
	}

	private static List<Scenario> scenarios(String labels) {
		List<Scenario> selected = new ArrayList<>();
		for (String label : labels.split(",")) {
			selected.add(Arrays.stream(Scenario.values())
				.filter((scenario) -> scenario.label.equalsIgnoreCase(label.trim()))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + label + "'")));
		}
		return selected;
	}

	/**
	 * {@code --name value} pairs; a {@code --name} followed by another option or by
	 * nothing is a flag.
	 */
	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("expected --option [value], got '" + args[i] + "'");
			}
			boolean flag = i + 1 == args.length || args[i + 1].startsWith("--");
			options.put(args[i].substring(2), flag ? "true" : args[++i]);
		}
		return options;
	}

}

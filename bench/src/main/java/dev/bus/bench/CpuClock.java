package dev.bus.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time spent by this JVM (publisher and consumer) and by the local RabbitMQ node
 * ({@code beam.smp}) since {@link #start()}. CPU per message is steadier than throughput
 * on a shared machine, and it shows on which side of the socket a contender's cost lies.
 *
 * <p>
 * The clock starts once the JIT compiler has been idle for a moment. Starting an
 * application context (or a connection) queues code for compilation, and the compiler
 * threads would otherwise spend seconds of CPU inside the measured window: a steady-state
 * figure for whichever contender has more code to compile is what a long-running service
 * sees, not a start-up one.
 */
final class CpuClock {

	/**
	 * Linux's USER_HZ, the unit of {@code /proc/<pid>/stat} times; 100 on every
	 * mainstream kernel.
	 */
	private static final long NANOS_PER_TICK = 10_000_000L;

	private static final Path BROKER_STAT = brokerStat();

	private static final long COMPILER_QUIET_NANOS = 300_000_000L;

	private static final long MAX_COMPILER_WAIT_NANOS = 10_000_000_000L;

	private final long jvmStart;

	private final long brokerStart;

	private CpuClock() {
		this.jvmStart = jvmNanos();
		this.brokerStart = brokerNanos();
	}

	static CpuClock start() throws InterruptedException {
		awaitIdleCompiler();
		return new CpuClock();
	}

	private static void awaitIdleCompiler() throws InterruptedException {
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
			return;
		}
		long deadline = System.nanoTime() + MAX_COMPILER_WAIT_NANOS;
		long compiled = compiler.getTotalCompilationTime();
		long quietSince = System.nanoTime();
		while (System.nanoTime() - quietSince < COMPILER_QUIET_NANOS && System.nanoTime() < deadline) {
			Thread.sleep(50);
			long now = compiler.getTotalCompilationTime();
			if (now != compiled) {
				compiled = now;
				quietSince = System.nanoTime();
			}
		}
	}

	/** Microseconds of this JVM's CPU per message since the start. */
	double jvmMicrosPer(int messages) {
		return (jvmNanos() - this.jvmStart) / 1000.0 / messages;
	}

	/**
	 * Microseconds of the broker's CPU per message since the start, or NaN when the
	 * broker is not local.
	 */
	double brokerMicrosPer(int messages) {
		return (BROKER_STAT != null) ? (brokerNanos() - this.brokerStart) / 1000.0 / messages : Double.NaN;
	}

	private static long jvmNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long brokerNanos() {
		if (BROKER_STAT == null) {
			return 0;
		}
		try {
			String stat = Files.readString(BROKER_STAT);
			// Fields after the parenthesised command name; utime and stime are the 14th
			// and 15th of the line.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static Path brokerStat() {
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			return processes.filter((dir) -> dir.getFileName().toString().chars().allMatch(Character::isDigit))
				.filter((dir) -> {
					try {
						return Files.readString(dir.resolve("comm")).trim().equals("beam.smp");
					}
					catch (IOException ex) {
						return false;
					}
				})
				.map((dir) -> dir.resolve("stat"))
				.findFirst()
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

}

package dev.bus.sidecar;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.bus.sidecar.discovery.ServiceWatches;

/**
 * Every thread the sidecar runs, as executor and scheduler beans the context owns: the
 * parts that use them stop in their lifecycle phase, and these go with the context after
 * them (they accept work until then). Sized for one pod: a thread per watched service,
 * one heartbeat, one span export loop, a fixed pool per HTTP server.
 */
@Configuration(proxyBeanMethods = false)
class SidecarExecutors {

	/**
	 * Threads serving one HTTP server's requests; the local API keeps a few free of long
	 * polls.
	 */
	static final int HTTP_THREADS = 16;

	/**
	 * A thread per watched service and one for the routing rules (each waits in Consul
	 * blocking queries), bounded by the watch limit.
	 */
	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskExecutor sidecarWatchExecutor() {
		// the watched services, the broker service and the routing rules
		return executor("bus-sidecar-watch-", 0, ServiceWatches.MAX_WATCHES + 2, 0);
	}

	/** The heartbeat loop's one thread. */
	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskScheduler sidecarHeartbeatScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("bus-sidecar-heartbeat-");
		scheduler.setDaemon(true);
		scheduler.setAcceptTasksAfterContextClose(true);
		scheduler.initialize();
		return scheduler;
	}

	/** The span pipeline's export loop: one thread. */
	@Bean(destroyMethod = "shutdown")
	@ConditionalOnBooleanProperty(name = "bus.sidecar.telemetry.enabled", matchIfMissing = true)
	ThreadPoolTaskExecutor sidecarSpanExportExecutor() {
		return executor("bus-sidecar-span-export-", 0, 1, 0);
	}

	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskExecutor sidecarApiExecutor() {
		return httpExecutor("api");
	}

	@Bean(destroyMethod = "shutdown")
	@ConditionalOnBooleanProperty(name = "bus.sidecar.telemetry.enabled", matchIfMissing = true)
	ThreadPoolTaskExecutor sidecarTelemetryExecutor() {
		return httpExecutor("telemetry");
	}

	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskExecutor sidecarManagementExecutor() {
		return httpExecutor("management");
	}

	/**
	 * A fixed pool with a bounded queue, whose idle threads time out, so an idle sidecar
	 * holds few.
	 */
	private static ThreadPoolTaskExecutor httpExecutor(String server) {
		return executor("bus-sidecar-" + server + "-", HTTP_THREADS, HTTP_THREADS, 256);
	}

	private static ThreadPoolTaskExecutor executor(String threadNamePrefix, int coreThreads, int maxThreads,
			int queueCapacity) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setThreadNamePrefix(threadNamePrefix);
		executor.setDaemon(true);
		executor.setCorePoolSize(coreThreads);
		executor.setMaxPoolSize(maxThreads);
		executor.setQueueCapacity(queueCapacity);
		executor.setKeepAliveSeconds(30);
		executor.setAllowCoreThreadTimeOut(true);
		executor.setAcceptTasksAfterContextClose(true);
		executor.initialize();
		return executor;
	}

}

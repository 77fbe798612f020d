package dev.bus.sidecar.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.web.client.RestClientException;

import dev.bus.core.sidecar.ServiceInstances;
import dev.bus.sidecar.consul.BlockingQueryLoop;
import dev.bus.sidecar.consul.ConsulAgent;
import dev.bus.sidecar.consul.ConsulRefusal;

/**
 * Follows one service's passing instances with Consul blocking queries, on a thread of
 * the sidecar's watch executor: each query waits until Consul's index moves, so a change
 * is seen about as soon as Consul knows it, without polling. Waiters in
 * {@link #awaitChange} are woken when the instance list actually changes.
 */
class ServiceWatch implements Runnable {

	private static final Log log = LogFactory.getLog(ServiceWatch.class);

	private static final Duration MIN_BACKOFF = Duration.ofMillis(250);

	private final String service;

	private final ConsulAgent consul;

	private final Duration wait;

	private final Timer queries;

	private final Counter errors;

	private volatile ServiceInstances snapshot;

	private final BlockingQueryLoop loop;

	/** Whether the last query was refused (logged once until one succeeds). */
	private boolean wasRefused;

	private int waiting;

	/** When the app last asked for the service ({@link System#nanoTime()}). */
	private volatile long lastAsked = System.nanoTime();

	private final AtomicBoolean started = new AtomicBoolean();

	ServiceWatch(String service, ConsulAgent consul, Duration wait, Duration maxBackoff, MeterRegistry meters) {
		this.service = service;
		this.consul = consul;
		this.wait = wait;
		this.loop = new BlockingQueryLoop(MIN_BACKOFF, maxBackoff);
		this.snapshot = ServiceInstances.unknown(service);
		this.queries = meters.timer("bus.sidecar.watch.latency", "service", service);
		this.errors = meters.counter("bus.sidecar.consul.errors", "operation", "watch");
	}

	/** True exactly once: for the caller that starts this watch's thread. */
	boolean claimStart() {
		return this.started.compareAndSet(false, true);
	}

	ServiceInstances snapshot() {
		return this.snapshot;
	}

	/** Marks the watch as asked for now. */
	void touch() {
		this.lastAsked = System.nanoTime();
	}

	/**
	 * Whether nobody asked for the service for {@code expiry} and no long poll waits on
	 * it.
	 */
	boolean idleFor(Duration expiry) {
		return waiting() == 0 && System.nanoTime() - this.lastAsked > expiry.toNanos();
	}

	/** Long polls parked on this service right now (guarded by this watch's monitor). */
	synchronized int waiting() {
		return this.waiting;
	}

	/**
	 * Waits until the snapshot's index differs from {@code index}, or {@code timeout};
	 * returns the current one.
	 */
	synchronized ServiceInstances awaitChange(long index, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.waiting++;
		try {
			while (this.snapshot.index() == index && this.loop.isRunning()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				wait(Math.max(1, left / 1_000_000));
			}
			return this.snapshot;
		}
		finally {
			this.waiting--;
		}
	}

	@Override
	public void run() {
		// the pool's thread, named for logs
		Thread.currentThread().setName("bus-sidecar-watch-" + this.service);
		this.loop.run((index) -> {
			long started = System.nanoTime();
			ConsulAgent.HealthAnswer answer = this.consul.passingInstances(this.service, index, this.wait);
			this.queries.record(Duration.ofNanos(System.nanoTime() - started));
			publish(answer.instances().stream().map(ServiceWatch::instance).toList());
			this.wasRefused = false;
			return answer.index();
		}, this::failed);
	}

	/**
	 * A refused query is retried at a fixed interval and logged once; others back off,
	 * each logged.
	 */
	private Duration failed(RestClientException ex, Duration backoff) {
		this.errors.increment();
		boolean refused = ConsulRefusal.isRefused(ex);
		Duration retry = refused ? ConsulRefusal.RETRY_INTERVAL : backoff;
		if (!refused || !this.wasRefused) {
			log.warn("Watch of " + this.service + " failed (" + ex.getClass().getSimpleName()
					+ (refused ? ", refused" : "") + "); serving the last known instances, retrying in "
					+ retry.toMillis() + " ms");
		}
		this.wasRefused = refused;
		return retry;
	}

	private synchronized void publish(List<ServiceInstances.Instance> instances) {
		ServiceInstances current = this.snapshot;
		if (current.known() && current.instances().equals(instances)) {
			return;
		}
		// One line per change between none and some: an app that cannot find a service is
		// told why, once.
		if (instances.isEmpty() && (!current.known() || !current.instances().isEmpty())) {
			log.warn("Consul has no passing instance of " + this.service + "; serving an empty list until one passes");
		}
		else if (!instances.isEmpty() && current.known() && current.instances().isEmpty()) {
			log.info("Consul has " + instances.size() + " passing instance(s) of " + this.service + " again");
		}
		this.snapshot = new ServiceInstances(this.service, current.index() + 1, true, instances);
		notifyAll();
	}

	synchronized void stop() {
		this.loop.stop();
		notifyAll();
	}

	/** One passing instance as the local API serves it. */
	private static ServiceInstances.Instance instance(HealthService entry) {
		HealthService.Service service = entry.getService();
		// Consul leaves the service address empty when it is the node's address.
		String address = (service.getAddress() != null && !service.getAddress().isEmpty()) ? service.getAddress()
				: entry.getNode().getAddress();
		return new ServiceInstances.Instance(service.getId(), address,
				(service.getPort() != null) ? service.getPort() : 0,
				(service.getTags() != null) ? List.copyOf(service.getTags()) : List.of(),
				(service.getMeta() != null) ? Map.copyOf(service.getMeta()) : Map.of());
	}

}

package dev.bus.sidecar.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.core.task.TaskRejectedException;

import dev.bus.core.sidecar.ServiceInstances;
import dev.bus.sidecar.DiscoveryProperties;
import dev.bus.sidecar.SidecarProperties;
import dev.bus.sidecar.consul.ConsulAgent;

/**
 * The services the sidecar follows in Consul: the broker service and the configured ones
 * from start-up, any other from the first time the app asks for it, up to a bound (each
 * watch holds a thread and a long poll).
 */
public class ServiceWatches implements SmartLifecycle {

	/**
	 * Stops after the registrar, so the app keeps a current view of Consul while it
	 * drains.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 200;

	/**
	 * Most services one sidecar follows; an app asking for more is told so, not given
	 * more threads.
	 */
	public static final int MAX_WATCHES = 64;

	private static final Log log = LogFactory.getLog(ServiceWatches.class);

	private static final Duration FIRST_ANSWER_WAIT = Duration.ofSeconds(2);

	private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

	private final ConsulAgent consul;

	private final SidecarProperties properties;

	private final MeterRegistry meters;

	private final Map<String, ServiceWatch> watches = new ConcurrentHashMap<>();

	private final TaskExecutor executor;

	private volatile boolean running;

	/**
	 * @param executor runs one watch per service for as long as the sidecar runs (a bean
	 * of the context, with a thread per watch)
	 */
	public ServiceWatches(ConsulAgent consul, SidecarProperties properties, MeterRegistry meters,
			TaskExecutor executor) {
		this.consul = consul;
		this.properties = properties;
		this.meters = meters;
		this.executor = executor;
		meters.gauge("bus.sidecar.brokers.passing", this, ServiceWatches::passingBrokers);
	}

	/**
	 * Passing instances of the broker service as last seen; -1 before Consul's first
	 * answer.
	 */
	private double passingBrokers() {
		ServiceWatch brokers = this.watches.get(brokerService());
		if (brokers == null || !brokers.snapshot().known()) {
			return -1;
		}
		return brokers.snapshot().instances().size();
	}

	/** Whether {@code name} is a valid Consul service name. */
	public static boolean isValidName(String name) {
		return SERVICE_NAME.matcher(name).matches();
	}

	public String brokerService() {
		return this.properties.getDiscovery().getBrokerService();
	}

	/**
	 * The current snapshot of a service, starting to watch it if needed.
	 * @throws TooManyWatchesException when the bound is reached
	 */
	public ServiceInstances snapshot(String service) throws InterruptedException {
		ServiceWatch watch = watch(service);
		ServiceInstances snapshot = watch.snapshot();
		// A service asked for the first time: wait briefly for Consul's first answer
		// rather than serve "none".
		return snapshot.known() ? snapshot : watch.awaitChange(snapshot.index(), FIRST_ANSWER_WAIT);
	}

	/**
	 * Long poll: returns when the service's index differs from {@code index}, or after
	 * {@code timeout}.
	 */
	public ServiceInstances awaitChange(String service, long index, Duration timeout) throws InterruptedException {
		return watch(service).awaitChange(index, timeout);
	}

	/** Each watched service: its snapshot and how many long polls wait on it. */
	public record WatchState(ServiceInstances snapshot, int waiting) {
	}

	public List<WatchState> states() {
		return this.watches.values()
			.stream()
			.map((watch) -> new WatchState(watch.snapshot(), watch.waiting()))
			.toList();
	}

	private ServiceWatch watch(String service) {
		ServiceWatch existing = this.watches.get(service);
		if (existing != null) {
			existing.touch();
			return existing;
		}
		expireIdleWatches();
		if (this.watches.size() >= MAX_WATCHES) {
			throw new TooManyWatchesException(service);
		}
		return this.watches.computeIfAbsent(service, (name) -> {
			DiscoveryProperties discovery = this.properties.getDiscovery();
			ServiceWatch watch = new ServiceWatch(name, this.consul, discovery.getWait(),
					this.properties.getRegistration().getMaxBackoff(), this.meters);
			if (this.running) {
				startThread(watch, name);
			}
			return watch;
		});
	}

	/**
	 * Stops following services the app asked for at run time and no longer asks for
	 * (never the broker service or the configured ones). Done when a new service is asked
	 * for, the only time a slot is needed.
	 */
	private void expireIdleWatches() {
		DiscoveryProperties discovery = this.properties.getDiscovery();
		this.watches.forEach((name, watch) -> {
			if (!name.equals(discovery.getBrokerService()) && !discovery.getServices().contains(name)
					&& watch.idleFor(discovery.getIdleExpiry()) && this.watches.remove(name, watch)) {
				watch.stop();
				log.info("No longer watching " + name + ": not asked for in " + discovery.getIdleExpiry());
			}
		});
	}

	private void startThread(ServiceWatch watch, String service) {
		if (watch.claimStart()) {
			try {
				this.executor.execute(watch);
			}
			catch (TaskRejectedException ex) {
				// Expired watches still finish their last blocking query: no thread free
				// until they do.
				this.watches.remove(service, watch);
				throw new TooManyWatchesException(service);
			}
		}
	}

	@Override
	public synchronized void start() {
		watch(brokerService());
		this.properties.getDiscovery().getServices().forEach(this::watch);
		this.running = true;
		this.watches.forEach((name, watch) -> startThread(watch, name));
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.watches.values().forEach(ServiceWatch::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The app asked for more services than one sidecar follows. */
	public static class TooManyWatchesException extends RuntimeException {

		TooManyWatchesException(String service) {
			super("The sidecar already follows " + MAX_WATCHES + " services; not watching " + service);
		}

	}

}

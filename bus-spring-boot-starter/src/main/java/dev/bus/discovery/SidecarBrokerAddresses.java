package dev.bus.discovery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The broker addresses the app connects to, from the sidecar's discovery: an
 * {@link AddressResolver} that spring-amqp asks on every new connection, so once a broker
 * node goes critical in Consul the next connection goes to a healthy one. A long poll on
 * the sidecar keeps the list current without polling tightly.
 * <p>
 * The app never depends on the sidecar being up: until the sidecar has answered, and
 * whenever it has nothing (no passing node, or Consul not heard yet), the last known list
 * is used, else the static {@code spring.rabbitmq.*} addresses.
 */
public class SidecarBrokerAddresses implements AddressResolver, SmartLifecycle {

	private static final Log log = LogFactory.getLog(SidecarBrokerAddresses.class);

	/** Between failed polls: 0.5 s, doubling, at most 10 s, for as long as it takes. */
	private static final ExponentialBackOff BACK_OFF = new ExponentialBackOff(500, 2.0);

	static {
		BACK_OFF.setMaxInterval(10_000);
	}

	private final SidecarClient sidecar;

	private final List<Address> staticAddresses;

	private final Duration wait;

	private volatile List<Address> discovered = List.of();

	private volatile long index = -1;

	private final TaskScheduler scheduler;

	private volatile boolean running;

	/** Only touched by the poll, which never runs twice at once. */
	private BackOffExecution backOff;

	/**
	 * @param sidecar the sidecar's local API
	 * @param staticAddresses {@code spring.rabbitmq.*}'s addresses, the fallback
	 * @param wait how long one long poll waits at the sidecar
	 * @param scheduler where the long polls run: a scheduler of their own, with one
	 * thread
	 */
	public SidecarBrokerAddresses(SidecarClient sidecar, List<Address> staticAddresses, Duration wait,
			TaskScheduler scheduler) {
		this.sidecar = sidecar;
		this.staticAddresses = List.copyOf(staticAddresses);
		this.wait = wait;
		this.scheduler = scheduler;
	}

	@Override
	public List<Address> getAddresses() {
		if (this.index < 0) {
			refreshNow(); // first connection before the poller's first answer
		}
		List<Address> current = this.discovered;
		return current.isEmpty() ? this.staticAddresses : current;
	}

	/** The addresses discovery last gave (empty: none yet, the static ones are used). */
	public List<Address> discovered() {
		return this.discovered;
	}

	private void refreshNow() {
		try {
			update(this.sidecar.brokers());
		}
		catch (IOException ex) {
			log.debug("Sidecar not reachable for the broker list; using the last known addresses", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized void update(SidecarClient.BrokerNodes nodes) {
		this.index = nodes.index();
		// Keep the last known list when the sidecar has none to offer: better a stale
		// node than no node.
		if (nodes.known() && !nodes.addresses().isEmpty() && !nodes.addresses().equals(this.discovered)) {
			log.info("Broker nodes from the sidecar: " + nodes.addresses());
			this.discovered = nodes.addresses();
		}
	}

	/**
	 * One long poll; the next is submitted when it answers, or scheduled after the
	 * back-off when the sidecar cannot be reached, so no thread sleeps and the
	 * scheduler's single thread is only busy inside a poll.
	 */
	private void poll() {
		if (!this.running) {
			return;
		}
		try {
			update(this.sidecar.brokersAfter(Math.max(this.index, 0), this.wait));
			if (this.backOff != null) {
				log.info("The sidecar at " + this.sidecar.baseUrl() + " answers again");
			}
			this.backOff = null;
			this.scheduler.schedule(this::poll, Instant.now());
		}
		catch (IOException ex) {
			if (this.backOff == null) {
				// Once per outage, without a stack trace: the app goes on with the last
				// known broker nodes.
				log.warn("The sidecar at " + this.sidecar.baseUrl() + " cannot be reached ("
						+ ex.getClass().getSimpleName()
						+ "); keeping the last known broker nodes and asking again with back-off");
				this.backOff = BACK_OFF.start();
			}
			long delay = this.backOff.nextBackOff();
			log.debug("Sidecar long poll failed; retrying in " + delay + " ms", ex);
			this.scheduler.schedule(this::poll, Instant.now().plusMillis(delay));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (TaskRejectedException ex) {
			// The scheduler is shutting down with the application.
		}
	}

	@Override
	public void start() {
		if (!this.running) {
			this.running = true;
			this.scheduler.schedule(this::poll, Instant.now());
		}
	}

	/**
	 * Stops polling; a poll in flight ends with its long poll or when the scheduler is
	 * shut down.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Starts before the listener containers and the publisher open connections. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}

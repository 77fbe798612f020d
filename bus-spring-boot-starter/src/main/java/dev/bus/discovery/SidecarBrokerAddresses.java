package dev.bus.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.scheduling.TaskScheduler;

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
public class SidecarBrokerAddresses extends SidecarLongPoll implements AddressResolver {

	private static final Log log = LogFactory.getLog(SidecarBrokerAddresses.class);

	private final SidecarClient sidecar;

	private final List<Address> staticAddresses;

	private final Duration wait;

	private volatile List<Address> discovered = List.of();

	private volatile long index = -1;

	/**
	 * @param sidecar the sidecar's local API
	 * @param staticAddresses {@code spring.rabbitmq.*}'s addresses, the fallback
	 * @param wait how long one long poll waits at the sidecar
	 * @param scheduler where the long polls run: a scheduler of their own, with one
	 * thread
	 */
	public SidecarBrokerAddresses(SidecarClient sidecar, List<Address> staticAddresses, Duration wait,
			TaskScheduler scheduler) {
		super(sidecar, scheduler, "broker nodes");
		this.sidecar = sidecar;
		this.staticAddresses = List.copyOf(staticAddresses);
		this.wait = wait;
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

	@Override
	protected void pollOnce() throws IOException, InterruptedException {
		update(this.sidecar.brokersAfter(Math.max(this.index, 0), this.wait));
	}

	/** Starts before the listener containers and the publisher open connections. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}

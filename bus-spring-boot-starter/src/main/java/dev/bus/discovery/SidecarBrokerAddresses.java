package dev.bus.discovery;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The broker addresses the app connects to, from the sidecar's discovery: an {@link AddressResolver} that
 * spring-amqp asks on every new connection, so once a broker node goes critical in Consul the next connection
 * goes to a healthy one. A long poll on the sidecar keeps the list current without polling tightly.
 * <p>
 * The app never depends on the sidecar being up: until the sidecar has answered, and whenever it has nothing
 * (no passing node, or Consul not heard yet), the last known list is used, else the static
 * {@code spring.rabbitmq.*} addresses.
 */
public class SidecarBrokerAddresses implements AddressResolver, SmartLifecycle {

	private static final Log log = LogFactory.getLog(SidecarBrokerAddresses.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	private final SidecarClient sidecar;

	private final List<Address> staticAddresses;

	private final Duration wait;

	private volatile List<Address> discovered = List.of();

	private volatile long index = -1;

	private volatile Thread poller;

	public SidecarBrokerAddresses(SidecarClient sidecar, List<Address> staticAddresses, Duration wait) {
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
		// Keep the last known list when the sidecar has none to offer: better a stale node than no node.
		if (nodes.known() && !nodes.addresses().isEmpty() && !nodes.addresses().equals(this.discovered)) {
			log.info("Broker nodes from the sidecar: " + nodes.addresses());
			this.discovered = nodes.addresses();
		}
	}

	private void poll() {
		Duration backoff = Duration.ofMillis(500);
		while (!Thread.currentThread().isInterrupted()) {
			try {
				update(this.sidecar.brokersAfter(Math.max(this.index, 0), this.wait));
				backoff = Duration.ofMillis(500);
			}
			catch (IOException ex) {
				log.debug("Sidecar long poll failed; retrying in " + backoff.toMillis() + " ms", ex);
				try {
					Thread.sleep(backoff.toMillis());
				}
				catch (InterruptedException interrupted) {
					return;
				}
				backoff = (backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF
						: backoff.multipliedBy(2);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public synchronized void start() {
		if (this.poller == null) {
			Thread thread = new Thread(this::poll, "bus-sidecar-brokers");
			thread.setDaemon(true);
			thread.start();
			this.poller = thread;
		}
	}

	@Override
	public synchronized void stop() {
		if (this.poller != null) {
			this.poller.interrupt();
			this.poller = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.poller != null;
	}

	/** Starts before the listener containers and the publisher open connections. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

}

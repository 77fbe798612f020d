package dev.bus.sidecar.registration;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.client.RestClientException;

import dev.bus.core.sidecar.Maintenance;
import dev.bus.sidecar.consul.ConsulAgent;

/**
 * The app's instance in Consul: registered with the topics the app publishes and listens
 * to, registered again (an idempotent update) when those change, whether an operator put
 * it in maintenance, and its deregistration. The heartbeat ({@link AppRegistrar}) calls
 * it on its one thread.
 */
final class InstanceRegistration {

	private static final Log log = LogFactory.getLog(InstanceRegistration.class);

	/**
	 * How many heartbeats between re-reads of the app's topics (they change only when the
	 * app redeploys).
	 */
	private static final int TOPICS_REFRESH_TICKS = 10;

	private final AppClient app;

	private final ConsulAgent consul;

	private final AppServiceDefinition definition;

	private final Counter registrations;

	private volatile boolean registered;

	private volatile Maintenance maintenance = Maintenance.NONE;

	private AppClient.BusTopics topics = AppClient.BusTopics.UNKNOWN;

	private int ticksSinceTopics;

	InstanceRegistration(AppClient app, ConsulAgent consul, AppServiceDefinition definition, Counter registrations) {
		this.app = app;
		this.consul = consul;
		this.definition = definition;
		this.registrations = registrations;
	}

	boolean registered() {
		return this.registered;
	}

	/**
	 * Consul no longer knows the instance (it lost its state, or someone deregistered
	 * it): register again.
	 */
	void lost() {
		this.registered = false;
	}

	/**
	 * Whether an operator put the instance in maintenance in Consul, as of the last
	 * heartbeat.
	 */
	Maintenance maintenance() {
		return this.maintenance;
	}

	/** Registers the instance with the app's current topics and health. */
	void register(AppHealth current) {
		this.topics = this.app.busTopics();
		this.ticksSinceTopics = 0;
		this.consul.register(this.definition.toNewService(current, this.topics));
		this.registered = true;
		this.registrations.increment();
		log.info("Registered " + this.definition.instanceId() + " at " + this.definition.address() + " in Consul ("
				+ AppServiceDefinition.consulStatus(current.status()) + ", listens to " + this.topics.listens() + ")");
	}

	/**
	 * Every few heartbeats, re-reads the app's topics and registers again when they
	 * changed.
	 */
	void refreshTopics(AppHealth current) {
		if (++this.ticksSinceTopics < TOPICS_REFRESH_TICKS || !current.answered()) {
			return;
		}
		this.ticksSinceTopics = 0;
		AppClient.BusTopics latest = this.app.busTopics();
		if (!latest.equals(AppClient.BusTopics.UNKNOWN) && !latest.equals(this.topics)) {
			register(current);
		}
	}

	/**
	 * Reads whether the instance is in maintenance, for the app to pause its listeners. A
	 * failure here is not a heartbeat's: the last known state stays.
	 */
	void refreshMaintenance() {
		Maintenance latest;
		try {
			latest = this.consul.maintenance(this.definition.serviceName(), this.definition.instanceId());
		}
		catch (RestClientException ex) {
			log.debug("Could not read the maintenance state of " + this.definition.instanceId() + ": "
					+ ex.getClass().getSimpleName());
			return;
		}
		if (latest.enabled() != this.maintenance.enabled()) {
			log.info(this.definition.instanceId()
					+ (latest.enabled() ? " is in maintenance: " + latest.reason() : " is out of maintenance"));
		}
		this.maintenance = latest;
	}

	/**
	 * Deregisters the instance; when Consul cannot be reached, it removes the instance
	 * itself after a while.
	 */
	void deregister(Duration deregisterCriticalAfter) {
		String id = this.definition.instanceId();
		try {
			this.consul.deregister(id);
			this.registered = false;
			log.info("Deregistered " + id + " from Consul");
		}
		catch (RestClientException ex) {
			log.warn("Could not deregister " + id + " (" + ex.getClass().getSimpleName() + "); Consul removes it after "
					+ deregisterCriticalAfter);
		}
	}

}

package dev.bus.sidecar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePositive;

/** Discovery: what the sidecar watches in Consul with blocking queries. */
public class DiscoveryProperties {

	/** Consul service name of the RabbitMQ nodes; served as the broker list. */
	private String brokerService = "rabbitmq";

	/**
	 * Services watched from start-up. Any other service is watched from the first time
	 * the app asks for it.
	 */
	private List<String> services = new ArrayList<>();

	/** Longest wait of one blocking query. */
	private Duration wait = Duration.ofSeconds(30);

	/**
	 * A service the app asked for at run time and has not asked for in this long is no
	 * longer watched (the broker service and the configured services always are), so
	 * misspelt or retired names cannot hold every watch slot for good.
	 */
	private Duration idleExpiry = Duration.ofMinutes(10);

	public String getBrokerService() {
		return this.brokerService;
	}

	public void setBrokerService(String brokerService) {
		this.brokerService = brokerService;
	}

	public List<String> getServices() {
		return this.services;
	}

	public void setServices(List<String> services) {
		this.services = services;
	}

	public Duration getWait() {
		return this.wait;
	}

	public Duration getIdleExpiry() {
		return this.idleExpiry;
	}

	public void setIdleExpiry(Duration idleExpiry) {
		this.idleExpiry = idleExpiry;
	}

	public void setWait(Duration wait) {
		this.wait = wait;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.discovery}. */
	void validate(Errors errors) {
		if (getWait().compareTo(Duration.ofSeconds(1)) < 0 || getWait().compareTo(Duration.ofMinutes(10)) > 0) {
			errors.rejectValue("wait", "invalid", "must be between 1s and 10m (Consul's limit)");
		}
		requirePositive(errors, "idle-expiry", getIdleExpiry());
		if (getBrokerService() == null || getBrokerService().isBlank()) {
			errors.rejectValue("broker-service", "required", "the broker's Consul service name is required");
		}
	}

}

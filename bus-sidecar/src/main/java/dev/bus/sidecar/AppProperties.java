package dev.bus.sidecar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.validation.Errors;

import static dev.bus.sidecar.SidecarPropertyChecks.requirePort;
import static dev.bus.sidecar.SidecarPropertyChecks.requirePath;
import static dev.bus.sidecar.SidecarPropertyChecks.requirePositive;

/** The application beside the sidecar. */
public class AppProperties {

	/** Service name the app is registered under in Consul. Required. */
	private @Nullable String name;

	/** Port the app serves on (registered in Consul). Required. */
	private @Nullable Integer port;

	/** Port of the app's actuator, when it differs from {@code port}. */
	private @Nullable Integer managementPort;

	/**
	 * Address registered in Consul, the one peers reach the app on. Defaults to the
	 * {@code POD_IP} environment variable (Kubernetes downward API), else this host's
	 * address.
	 */
	private @Nullable String advertiseAddress;

	/** Path of the app's actuator health endpoint, polled on 127.0.0.1. */
	private String healthPath = "/actuator/health";

	/**
	 * Path of the app's actuator {@code bus} endpoint, read for the topics the app
	 * listens to.
	 */
	private String busPath = "/actuator/bus";

	/**
	 * Path of the app's AsyncAPI document (actuator endpoint {@code asyncapi}): when the
	 * app serves it, its URL goes into the Consul metadata ({@code bus-asyncapi}).
	 */
	private String asyncapiPath = "/actuator/asyncapi";

	/**
	 * Timeout of each call to the app; a health call that times out counts as failing.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/** App version, registered as service metadata {@code version}. */
	private @Nullable String version;

	/** Tags registered with the service. */
	private List<String> tags = new ArrayList<>();

	/** Extra service metadata registered with the service. */
	private Map<String, String> metadata = new LinkedHashMap<>();

	public @Nullable String getName() {
		return this.name;
	}

	public void setName(@Nullable String name) {
		this.name = name;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public @Nullable Integer getManagementPort() {
		return this.managementPort;
	}

	public void setManagementPort(@Nullable Integer managementPort) {
		this.managementPort = managementPort;
	}

	public @Nullable String getAdvertiseAddress() {
		return this.advertiseAddress;
	}

	public void setAdvertiseAddress(@Nullable String advertiseAddress) {
		this.advertiseAddress = advertiseAddress;
	}

	public String getHealthPath() {
		return this.healthPath;
	}

	public void setHealthPath(String healthPath) {
		this.healthPath = healthPath;
	}

	public String getBusPath() {
		return this.busPath;
	}

	public String getAsyncapiPath() {
		return this.asyncapiPath;
	}

	public void setAsyncapiPath(String asyncapiPath) {
		this.asyncapiPath = asyncapiPath;
	}

	public void setBusPath(String busPath) {
		this.busPath = busPath;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable String getVersion() {
		return this.version;
	}

	public void setVersion(@Nullable String version) {
		this.version = version;
	}

	public List<String> getTags() {
		return this.tags;
	}

	public void setTags(List<String> tags) {
		this.tags = tags;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	/** The port the app's actuator answers on. */
	public int actuatorPort() {
		return (this.managementPort != null) ? this.managementPort : this.port;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.app}. */
	void validate(Errors errors) {
		if (getName() == null || getName().isBlank()) {
			errors.rejectValue("name", "required", "the name the app is registered under in Consul is required");
		}
		if (getPort() == null) {
			errors.rejectValue("port", "required", "the port the app serves on is required");
		}
		else {
			requirePort(errors, "port", getPort());
		}
		if (getManagementPort() != null) {
			requirePort(errors, "management-port", getManagementPort());
		}
		requirePath(errors, "health-path", getHealthPath());
		requirePath(errors, "bus-path", getBusPath());
		requirePath(errors, "asyncapi-path", getAsyncapiPath());
		requirePositive(errors, "timeout", getTimeout());
	}

}

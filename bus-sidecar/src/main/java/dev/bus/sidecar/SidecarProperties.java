package dev.bus.sidecar;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import static dev.bus.sidecar.SidecarPropertyChecks.nested;

/**
 * Configuration of the sidecar, under {@code bus.sidecar.*}: one tree, one class per
 * group, each checking its own values at binding, so a bad value fails start-up with an
 * error that names the property.
 */
@ConfigurationProperties("bus.sidecar")
public class SidecarProperties implements Validator {

	/** The application the sidecar serves and registers. */
	@NestedConfigurationProperty
	private final AppProperties app = new AppProperties();

	/** How the application is registered in Consul. */
	@NestedConfigurationProperty
	private final RegistrationProperties registration = new RegistrationProperties();

	/** What the sidecar watches in Consul. */
	@NestedConfigurationProperty
	private final RoutingProperties routing = new RoutingProperties();

	/** How the sidecar discovers the broker and other services in Consul. */
	@NestedConfigurationProperty
	private final DiscoveryProperties discovery = new DiscoveryProperties();

	/** The Consul agent. */
	@NestedConfigurationProperty
	private final ConsulProperties consul = new ConsulProperties();

	/** The local API the application calls. Always bound to 127.0.0.1. */
	@NestedConfigurationProperty
	private final ApiProperties api = new ApiProperties();

	/** Health probes and Prometheus metrics for Kubernetes. */
	@NestedConfigurationProperty
	private final ManagementProperties management = new ManagementProperties();

	/**
	 * The pod's trace pipeline: OTLP receiver on 127.0.0.1, export to Jaeger (OTLP) or
	 * Zipkin.
	 */
	@NestedConfigurationProperty
	private final TelemetryProperties telemetry = new TelemetryProperties();

	public AppProperties getApp() {
		return this.app;
	}

	public RegistrationProperties getRegistration() {
		return this.registration;
	}

	public RoutingProperties getRouting() {
		return this.routing;
	}

	public DiscoveryProperties getDiscovery() {
		return this.discovery;
	}

	public ConsulProperties getConsul() {
		return this.consul;
	}

	public ApiProperties getApi() {
		return this.api;
	}

	public ManagementProperties getManagement() {
		return this.management;
	}

	public TelemetryProperties getTelemetry() {
		return this.telemetry;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SidecarProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SidecarProperties properties = (SidecarProperties) target;
		nested(errors, "app", properties.getApp()::validate);
		nested(errors, "registration", properties.getRegistration()::validate);
		nested(errors, "discovery", properties.getDiscovery()::validate);
		nested(errors, "consul", properties.getConsul()::validate);
		nested(errors, "api", properties.getApi()::validate);
		nested(errors, "management", properties.getManagement()::validate);
		nested(errors, "telemetry", properties.getTelemetry()::validate);
	}

}

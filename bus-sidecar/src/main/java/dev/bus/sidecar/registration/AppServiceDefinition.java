package dev.bus.sidecar.registration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.consul.model.http.agent.NewService;

import dev.bus.sidecar.AppProperties;
import dev.bus.sidecar.RegistrationProperties;
import dev.bus.sidecar.SidecarProperties;
import dev.bus.sidecar.consul.ConsulAgent.CheckStatus;

/**
 * What the sidecar registers in Consul for its app: name, instance id, address, port,
 * tags and metadata (version, bus topics), with one TTL check that the heartbeat keeps
 * current.
 */
public class AppServiceDefinition {

	/** Consul caps a metadata value at 512 characters. */
	static final int MAX_META_VALUE = 512;

	private final SidecarProperties properties;

	private final String instanceId;

	private final String address;

	public AppServiceDefinition(SidecarProperties properties) {
		this.properties = properties;
		this.address = advertiseAddress(properties.getApp());
		String configuredId = properties.getRegistration().getInstanceId();
		String hostname = System.getenv("HOSTNAME");
		AppProperties app = properties.getApp();
		this.instanceId = (configuredId != null) ? configuredId : (hostname != null && !hostname.isBlank())
				? app.getName() + "-" + hostname : app.getName() + "-" + this.address + "-" + app.getPort();
	}

	public String instanceId() {
		return this.instanceId;
	}

	/** The Consul service the instance belongs to: the app's name. */
	public String serviceName() {
		return this.properties.getApp().getName();
	}

	/** Consul names a service's only check {@code service:<id>}. */
	public String checkId() {
		return "service:" + this.instanceId;
	}

	public String address() {
		return this.address;
	}

	/**
	 * The registration, its check starting in the app's current status: registering as
	 * critical and waiting for the first heartbeat would hide a healthy app for a whole
	 * heartbeat interval.
	 */
	public NewService toNewService(AppHealth health, AppClient.BusTopics topics) {
		AppProperties app = this.properties.getApp();
		RegistrationProperties registration = this.properties.getRegistration();
		NewService service = new NewService();
		service.setId(this.instanceId);
		service.setName(app.getName());
		service.setAddress(this.address);
		service.setPort(app.getPort());
		service.setTags(new ArrayList<>(app.getTags()));
		Map<String, String> meta = new LinkedHashMap<>(app.getMetadata());
		if (app.getVersion() != null) {
			meta.put("version", app.getVersion());
		}
		putTopics(meta, "bus-listens", topics.listens());
		putTopics(meta, "bus-publishes", topics.publishes());
		String actuator = "http://" + this.address + ":" + app.actuatorPort();
		// where the console reads the app's listeners and acts on its dead letters and
		// holds: its address as registered, its actuator port
		meta.put("bus-endpoint", actuator + app.getBusPath());
		if (topics.asyncApi()) {
			// where other teams read the app's contract
			meta.put("bus-asyncapi", actuator + app.getAsyncapiPath());
		}
		service.setMeta(meta);
		NewService.Check check = new NewService.Check();
		check.setTtl(registration.getTtl().toMillis() + "ms");
		check.setDeregisterCriticalServiceAfter(registration.getDeregisterCriticalAfter().toSeconds() + "s");
		check.setStatus(consulStatus(health.status()));
		service.setCheck(check);
		return service;
	}

	private static void putTopics(Map<String, String> meta, String key, Set<String> topics) {
		if (topics.isEmpty()) {
			return;
		}
		StringBuilder value = new StringBuilder();
		for (String topic : topics) {
			int needed = value.length() + ((value.length() > 0) ? 1 : 0) + topic.length();
			if (needed > MAX_META_VALUE) {
				break; // whole topics only; the full list stays in the app's bus endpoint
			}
			if (value.length() > 0) {
				value.append(',');
			}
			value.append(topic);
		}
		meta.put(key, value.toString());
	}

	static String consulStatus(CheckStatus status) {
		return status.name().toLowerCase(java.util.Locale.ROOT);
	}

	private static String advertiseAddress(AppProperties app) {
		if (app.getAdvertiseAddress() != null) {
			return app.getAdvertiseAddress();
		}
		String podIp = System.getenv("POD_IP");
		if (podIp != null && !podIp.isBlank()) {
			return podIp;
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return "127.0.0.1";
		}
	}

}

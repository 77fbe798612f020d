package dev.bus.core.sidecar;

import java.util.List;
import java.util.Map;

/**
 * What the sidecar knows about one service: its passing instances, and an index that
 * changes whenever they do (the sidecar's own counter, so an app's long poll is not woken
 * by Consul index moves that changed nothing).
 *
 * @param service the Consul service name
 * @param index changes whenever the instances do
 * @param known false until Consul has answered once
 * @param instances the passing instances
 */
public record ServiceInstances(String service, long index, boolean known, List<Instance> instances) {

	/** Nothing known yet about {@code service}. */
	public static ServiceInstances unknown(String service) {
		return new ServiceInstances(service, 0, false, List.of());
	}

	/**
	 * One passing instance.
	 *
	 * @param id Consul service id
	 * @param address host or IP to connect to
	 * @param port port to connect to
	 * @param tags Consul tags
	 * @param meta Consul metadata
	 */
	public record Instance(String id, String address, int port, List<String> tags, Map<String, String> meta) {
	}

}

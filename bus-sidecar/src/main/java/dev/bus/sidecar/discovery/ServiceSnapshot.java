package dev.bus.sidecar.discovery;

import java.util.List;

/**
 * What the sidecar knows about one service: its passing instances, and an index that changes whenever they do
 * (the sidecar's own counter, so an app's long poll is not woken by Consul index moves that changed nothing).
 * {@code known} is false until Consul has answered once.
 */
public record ServiceSnapshot(String service, long index, boolean known, List<Instance> instances) {

	static ServiceSnapshot unknown(String service) {
		return new ServiceSnapshot(service, 0, false, List.of());
	}

}

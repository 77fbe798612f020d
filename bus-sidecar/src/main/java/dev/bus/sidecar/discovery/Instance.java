package dev.bus.sidecar.discovery;

import java.util.List;
import java.util.Map;

import org.springframework.cloud.consul.model.http.health.HealthService;

/** One passing instance of a service, as the local API serves it. */
public record Instance(String id, String address, int port, List<String> tags, Map<String, String> meta) {

	static Instance of(HealthService entry) {
		HealthService.Service service = entry.getService();
		// Consul leaves the service address empty when it is the node's address.
		String address = (service.getAddress() != null && !service.getAddress().isEmpty()) ? service.getAddress()
				: entry.getNode().getAddress();
		return new Instance(service.getId(), address, (service.getPort() != null) ? service.getPort() : 0,
				(service.getTags() != null) ? List.copyOf(service.getTags()) : List.of(),
				(service.getMeta() != null) ? Map.copyOf(service.getMeta()) : Map.of());
	}

}

package dev.bus.console.consul;

import java.util.List;
import java.util.Map;

/**
 * One instance of a Bus service as Consul has it: what its sidecar registered and what
 * its checks say.
 *
 * @param id the Consul service id
 * @param service the service's name
 * @param address the address it registered
 * @param port the app's port
 * @param version the app's version ({@code version} metadata), or {@code null}
 * @param status the aggregated check status: {@code passing}, {@code warning} or
 * {@code critical}
 * @param checkOutput what the sidecar's TTL check says (the app's health in words)
 * @param maintenance why the instance or its node is in maintenance, or {@code null}
 * @param busEndpoint the URL of the app's {@code bus} actuator endpoint, or {@code null}
 * @param asyncApi the URL of its AsyncAPI document, or {@code null}
 * @param listens the topics it listens to
 * @param publishes the topics it published to since it started
 * @param meta the rest of its metadata
 */
public record BusInstance(String id, String service, String address, int port, String version, String status,
		String checkOutput, String maintenance, String busEndpoint, String asyncApi, List<String> listens,
		List<String> publishes, Map<String, String> meta) {

	public boolean passing() {
		return "passing".equals(this.status);
	}

}

package dev.bus.console.consul;

import java.util.List;

/**
 * Every Bus service Consul knows, or why Consul could not be read.
 *
 * @param services the services, by name, each with its instances
 * @param problem why Consul did not answer, or {@code null}
 */
public record Fleet(List<BusService> services, String problem) {

	public static Fleet unreadable(String problem) {
		return new Fleet(List.of(), problem);
	}

	/**
	 * A Bus service.
	 *
	 * @param name its name
	 * @param instances its instances
	 */
	public record BusService(String name, List<BusInstance> instances) {

		/**
		 * The instance to ask about the service's listeners: a passing one when there is
		 * one (a group's queues and dead letters are the service's, whichever instance
		 * answers).
		 */
		public BusInstance spokesman() {
			return this.instances.stream()
				.filter((instance) -> instance.busEndpoint() != null)
				.min((a, b) -> Boolean.compare(b.passing(), a.passing()))
				.orElse(null);
		}

		public long passing() {
			return this.instances.stream().filter(BusInstance::passing).count();
		}

	}

}

package dev.bus.sidecar.registration;

import dev.bus.sidecar.consul.ConsulAgent.CheckStatus;

/**
 * The app's health as the sidecar last saw it, mapped to a Consul check status, with the
 * reason in words (it becomes the TTL check's output in Consul).
 */
public record AppHealth(CheckStatus status, String reason, boolean answered) {

	static AppHealth fromActuatorStatus(String status) {
		return switch (status) {
			case "UP" -> new AppHealth(CheckStatus.PASSING, "app health UP", true);
			case "DOWN", "OUT_OF_SERVICE" -> new AppHealth(CheckStatus.CRITICAL, "app health " + status, true);
			default -> new AppHealth(CheckStatus.WARNING, "app health " + status, true);
		};
	}

	/** The app answered, but not with usable health (a garbled or oversized answer). */
	static AppHealth failing(String reason) {
		return new AppHealth(CheckStatus.CRITICAL, reason, true);
	}

	/**
	 * The app did not answer at all (not started yet, or hung): nothing to register until
	 * it does.
	 */
	static AppHealth unreachable(String reason) {
		return new AppHealth(CheckStatus.CRITICAL, "app unreachable: " + reason, false);
	}

}

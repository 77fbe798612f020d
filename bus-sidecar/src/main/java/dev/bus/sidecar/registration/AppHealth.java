package dev.bus.sidecar.registration;

import dev.bus.sidecar.consul.ConsulAgent.CheckStatus;

/**
 * The app's health as the sidecar last saw it, mapped to a Consul check status, with the reason in words (it
 * becomes the TTL check's output in Consul).
 */
public record AppHealth(CheckStatus status, String reason) {

	static AppHealth fromActuatorStatus(String status) {
		return switch (status) {
			case "UP" -> new AppHealth(CheckStatus.PASSING, "app health UP");
			case "DOWN", "OUT_OF_SERVICE" -> new AppHealth(CheckStatus.CRITICAL, "app health " + status);
			default -> new AppHealth(CheckStatus.WARNING, "app health " + status);
		};
	}

	static AppHealth failing(String reason) {
		return new AppHealth(CheckStatus.CRITICAL, reason);
	}

	/** Whether the app answered at all (a DOWN answer is still an answer). */
	public boolean answered() {
		return !this.reason.startsWith("app unreachable");
	}

}

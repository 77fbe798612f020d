package dev.bus.core.sidecar;

/**
 * The body of {@link SidecarApi#MAINTENANCE}: whether an operator put the app's instance
 * in maintenance in Consul.
 *
 * @param enabled whether it is in maintenance
 * @param reason the reason given ({@code consul maint -reason}), or {@code null}
 */
public record Maintenance(boolean enabled, String reason) {

	/** Not in maintenance. */
	public static final Maintenance NONE = new Maintenance(false, null);

}

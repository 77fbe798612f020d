package dev.bus.core.sidecar;

import java.time.Duration;

/**
 * The sidecar's local API as the starter calls it and the sidecar serves it, on loopback,
 * versioned under {@code /v1/}. Every answer is JSON; a service's instances come as
 * {@link ServiceInstances}.
 */
public final class SidecarApi {

	/** {@code GET}: the passing broker nodes, as {@link ServiceInstances}. */
	public static final String BROKERS = "/v1/brokers";

	/**
	 * {@code GET} + a Consul service name: its passing instances, as
	 * {@link ServiceInstances}.
	 */
	public static final String SERVICES = "/v1/services/";

	/**
	 * {@code GET}: whether the app's instance is in maintenance in Consul
	 * ({@code consul maint}), as {@link Maintenance}; the starter pauses its listeners
	 * while it is.
	 */
	public static final String MAINTENANCE = "/v1/maintenance";

	/**
	 * {@code GET}: the routing rule sets in force (validated by the sidecar, last good
	 * kept), as {@link RoutingRules}; takes the long-poll parameters.
	 */
	public static final String ROUTES = "/v1/routes";

	/**
	 * {@code POST}: takes the app's instance out of Consul's passing set (maintenance)
	 * and answers once it has been out for the sidecar's drain time, so peers stop
	 * routing to it before the app stops. The app calls it first thing at its shutdown;
	 * done once until the app, stopped, answers again. Loopback only, like the whole API:
	 * no other pod can drain an instance.
	 */
	public static final String DRAIN = "/v1/drain";

	/** {@code GET}: the sidecar's own state (registration, watches). */
	public static final String STATUS = "/v1/status";

	/** Query parameter of a long poll: answer once the index differs from this one. */
	public static final String INDEX = "index";

	/**
	 * Query parameter of a long poll: the longest it waits, as a duration ({@code 30s},
	 * {@code 500ms}).
	 */
	public static final String WAIT = "wait";

	/** Longest wait a long poll may ask for. */
	public static final Duration MAX_WAIT = Duration.ofMinutes(5);

	/** Response header carrying the answer's index. */
	public static final String INDEX_HEADER = "X-Bus-Index";

	private SidecarApi() {
	}

	/** The path and query of a long poll on {@code resource}. */
	public static String longPoll(String resource, long index, Duration wait) {
		return resource + "?" + INDEX + "=" + index + "&" + WAIT + "=" + wait.toMillis() + "ms";
	}

}

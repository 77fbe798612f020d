package dev.bus.console;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the console reads and how it acts ({@code bus.console.*}, docs/console.md).
 *
 * @param issuer the OAuth2 issuer's base URL, which the console's client registrations
 * ({@code bus-console} for people, {@code bus-apps} for its own token) point at by
 * default
 * @param consulUrl the Consul HTTP API the fleet, the flow and the routing rules come
 * from
 * @param consulToken the Consul ACL token, read access to the catalog and to the rules'
 * KV prefix, write access to that prefix for operators' edits; none when Consul has no
 * ACLs
 * @param routingPrefix the Consul KV prefix of the routing rule sets, as the sidecars'
 * {@code bus.sidecar.routing.prefix}
 * @param traceUrl where a message's trace is shown, {@code {traceId}} replaced by its
 * trace id (Jaeger's UI by default; Zipkin's is
 * {@code http://zipkin:9411/zipkin/traces/{traceId}})
 * @param prometheusUrl the Prometheus HTTP API the flow graph's live rates and failure
 * counts come from (the apps' meters, as it scrapes them); none: the graph has no rates
 * @param appsRegistration the OAuth2 client registration whose client-credentials token
 * the console presents to the apps' {@code bus} endpoints (scope
 * {@code actuator.operator}); empty to call them without a token
 * @param appsTimeout how long the console waits for an app, Consul or the issuer before
 * it shows that one as not answering
 * @param deadLettersShown the dead letters read per listener (the app gives at most 500)
 * @param rolesClaim the ID token claim with the person's roles ({@code viewer},
 * {@code operator})
 * @param auditKept the operator actions kept for the audit page (all of them go to the
 * log)
 */
@ConfigurationProperties("bus.console")
public record ConsoleProperties(@DefaultValue("http://127.0.0.1:9000") URI issuer,
		@DefaultValue("http://127.0.0.1:8500") URI consulUrl, String consulToken,
		@DefaultValue("bus/routes/") String routingPrefix,
		@DefaultValue("http://127.0.0.1:16686/trace/{traceId}") String traceUrl, URI prometheusUrl,
		@DefaultValue("bus-apps") String appsRegistration, @DefaultValue("3s") Duration appsTimeout,
		@DefaultValue("100") int deadLettersShown, @DefaultValue("roles") String rolesClaim,
		@DefaultValue("1000") int auditKept) {

	/** The most dead letters an app's listing gives in one call. */
	public static final int MAX_DEAD_LETTERS_SHOWN = 500;

	public ConsoleProperties {
		require(consulUrl.getScheme() != null && consulUrl.getHost() != null, "consul-url", "an absolute http(s) URL");
		require(routingPrefix.endsWith("/") && !routingPrefix.startsWith("/"), "routing-prefix",
				"a KV prefix ending with '/', not starting with one");
		require(traceUrl.contains("{traceId}"), "trace-url", "a URL with {traceId} in it");
		require(prometheusUrl == null || (prometheusUrl.getScheme() != null && prometheusUrl.getHost() != null),
				"prometheus-url", "an absolute http(s) URL");
		require(!appsTimeout.isNegative() && !appsTimeout.isZero(), "apps-timeout", "positive");
		require(deadLettersShown >= 1 && deadLettersShown <= MAX_DEAD_LETTERS_SHOWN, "dead-letters-shown",
				"1 to " + MAX_DEAD_LETTERS_SHOWN);
		require(!rolesClaim.isBlank(), "roles-claim", "a claim name");
		require(auditKept >= 1, "audit-kept", "at least 1");
		consulToken = (consulToken != null && !consulToken.isBlank()) ? consulToken : null;
		appsRegistration = (appsRegistration != null && !appsRegistration.isBlank()) ? appsRegistration : null;
	}

	/** The trace page of a trace id. */
	public String traceLink(String traceId) {
		return this.traceUrl.replace("{traceId}", traceId);
	}

	private static void require(boolean valid, String property, String what) {
		if (!valid) {
			throw new IllegalArgumentException("bus.console." + property + " must be " + what);
		}
	}

}

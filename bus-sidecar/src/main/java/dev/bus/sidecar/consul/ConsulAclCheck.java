package dev.bus.sidecar.consul;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * Refuses a Consul agent that anyone may use. Consul is the sidecar's control plane:
 * whoever writes to it decides the routing rules the app applies, its maintenance (its
 * listeners pause), and the broker addresses it connects to. So before its first call the
 * sidecar asks Consul for its own configuration ({@code GET /v1/agent/self}) without a
 * token: an agent that answers does not enforce ACLs with a default deny policy, and
 * every call is refused with {@link UnsafeConsulException} (reported as any Consul error:
 * in the status, the metrics, one ERROR line) until it does; an agent that answers 401 or
 * 403 does. This works on every Consul version, unlike reading the ACL settings from the
 * agent's debug configuration, whose fields move between versions. A development agent is
 * accepted when {@code bus.sidecar.consul.development} says so, with a warning.
 */
public class ConsulAclCheck {

	private static final Log log = LogFactory.getLog(ConsulAclCheck.class);

	/** The check of a development agent: nothing is asked. */
	public static final ConsulAclCheck DEVELOPMENT = new ConsulAclCheck(null, "");

	private final @Nullable RestClient restClient;

	private final String url;

	private volatile boolean enforced;

	private volatile boolean reported;

	/**
	 * @param restClient Consul's API, {@code null} for a development agent
	 * @param url Consul's URL, for messages
	 */
	public ConsulAclCheck(@Nullable RestClient restClient, String url) {
		this.restClient = restClient;
		this.url = url;
		this.enforced = (restClient == null);
	}

	/**
	 * Returns once Consul is known to enforce ACLs with a default deny policy; asks it
	 * while that is not known.
	 * @throws UnsafeConsulException when Consul answers an anonymous request
	 * @throws org.springframework.web.client.RestClientException when Consul cannot be
	 * asked (unreachable)
	 */
	public void requireEnforced() {
		if (this.enforced) {
			return;
		}
		RestClient client = this.restClient;
		if (client == null) {
			return;
		}
		try {
			client.get().uri("/v1/agent/self").retrieve().toBodilessEntity();
		}
		catch (HttpClientErrorException.Forbidden | HttpClientErrorException.Unauthorized ex) {
			this.enforced = true;
			log.info("Consul at " + this.url + " enforces ACLs: an anonymous request was denied");
			return;
		}
		UnsafeConsulException unsafe = new UnsafeConsulException("Consul at " + this.url
				+ " answers requests without an ACL token, so anyone who reaches it can change routing rules, "
				+ "maintenance and broker addresses: enable ACLs with default_policy = \"deny\" (docs/sidecar.md, "
				+ "\"Securing Consul\"), or set bus.sidecar.consul.development=true for a development agent");
		if (!this.reported) {
			this.reported = true;
			log.error(unsafe.getMessage());
		}
		throw unsafe;
	}

	/** Says once, at start-up, that a development agent is trusted without a check. */
	public static ConsulAclCheck development(String url) {
		log.warn("bus.sidecar.consul.development=true: Consul at " + url + " is used without checking that it "
				+ "enforces ACLs. Development agents only.");
		return DEVELOPMENT;
	}

}

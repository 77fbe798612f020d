package dev.bus.sidecar;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.validation.Errors;

/** The Consul agent the sidecar talks to. */
public class ConsulProperties {

	/** URL of the Consul agent's HTTP API (https for TLS). */
	private String url = "http://127.0.0.1:8500";

	/** ACL token sent with every Consul request. Never logged. */
	private @Nullable String aclToken;

	/**
	 * Development only: use a Consul agent that does not enforce ACLs (a
	 * {@code consul agent -dev}). Otherwise the sidecar refuses an agent that answers
	 * requests without a token, since anyone reaching it could change routing rules,
	 * maintenance and broker addresses.
	 */
	private boolean development;

	public boolean isDevelopment() {
		return this.development;
	}

	public void setDevelopment(boolean development) {
		this.development = development;
	}

	/**
	 * Name of the SSL bundle ({@code spring.ssl.bundle.jks.<name>} or
	 * {@code spring.ssl.bundle.pem.<name>}) for Consul's https API: the CA to trust and,
	 * when Consul verifies clients, the client certificate. Unset: the JVM's default
	 * trust store.
	 */
	private @Nullable String sslBundle;

	public String getUrl() {
		return this.url;
	}

	public void setUrl(String url) {
		this.url = url;
	}

	public @Nullable String getAclToken() {
		return this.aclToken;
	}

	public void setAclToken(@Nullable String aclToken) {
		this.aclToken = aclToken;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	/** Checks the values at binding time, under {@code bus.sidecar.consul}. */
	void validate(Errors errors) {
		String url = getUrl();
		if (getSslBundle() != null && !url.startsWith("https:")) {
			errors.rejectValue("url", "invalid", "must be an https URL when bus.sidecar.consul.ssl-bundle is set");
		}
		try {
			URI uri = new URI(url);
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				errors.rejectValue("url", "invalid",
						"must be an http or https URL with a host, such as http://127.0.0.1:8500");
			}
		}
		catch (Exception ex) {
			errors.rejectValue("url", "invalid", "is not a valid URL: " + ex.getMessage());
		}
	}

}

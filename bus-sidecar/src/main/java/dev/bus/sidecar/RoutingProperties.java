package dev.bus.sidecar;

/** Routing rules kept in Consul KV, validated here and served to the app. */
public class RoutingProperties {

	/** Whether the sidecar watches and serves routing rules. */
	private boolean enabled = true;

	/** Consul KV prefix of the rule sets, one key per rule set (JSON). */
	private String prefix = "bus/routes/";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

}

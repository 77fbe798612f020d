package dev.bus.sidecar.consul;

import org.springframework.web.client.RestClientException;

/**
 * Consul does not enforce ACLs, and the sidecar will not use it ({@link ConsulAclCheck}).
 * A {@link RestClientException}, so every Consul caller reports it and backs off as it
 * does for Consul's own errors.
 */
public class UnsafeConsulException extends RestClientException {

	public UnsafeConsulException(String message) {
		super(message);
	}

}

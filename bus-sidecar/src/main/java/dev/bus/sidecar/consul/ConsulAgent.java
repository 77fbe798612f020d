package dev.bus.sidecar.consul;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulClient.QueryParams;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.model.http.health.Check;
import org.springframework.cloud.consul.model.http.kv.GetValue;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;

import dev.bus.core.sidecar.Maintenance;

/**
 * The few Consul agent calls the sidecar makes, with the ACL token added to each so no
 * other class holds it. The blocking queries (discovery, routing rules) run on a client
 * whose read timeout outlasts their wait; every other call (registration, heartbeats,
 * maintenance) on one that gives up within a heartbeat's interval, so a Consul cut off by
 * a silent network is noticed, and retried, before the instance's TTL runs out instead of
 * after the watch's long timeout ({@code PartitionIT}). Failures surface as Spring's
 * {@code RestClientException}s: {@code ResourceAccessException} when Consul cannot be
 * reached, {@code RestClientResponseException} when it answers with an error.
 */
public class ConsulAgent {

	/** Consul's status names, as TTL updates and health queries spell them. */
	public enum CheckStatus {

		PASSING, WARNING, CRITICAL

	}

	/**
	 * One answer of a blocking health query: the index to wait on next and the passing
	 * instances.
	 */
	public record HealthAnswer(long index, List<HealthService> instances) {
	}

	private final ConsulClient client;

	private final ConsulClient watchClient;

	private final @Nullable String aclToken;

	private final ConsulAclCheck aclCheck;

	/**
	 * @param client for the calls Consul answers at once
	 * @param watchClient for the blocking queries
	 * @param aclCheck asked before every call: the sidecar uses no Consul that anyone may
	 * use
	 */
	public ConsulAgent(ConsulClient client, ConsulClient watchClient, @Nullable String aclToken,
			ConsulAclCheck aclCheck) {
		this.client = client;
		this.watchClient = watchClient;
		this.aclToken = aclToken;
		this.aclCheck = aclCheck;
	}

	public void register(NewService service) {
		this.aclCheck.requireEnforced();
		this.client.agentServiceRegister(this.aclToken, service);
	}

	public void deregister(String serviceId) {
		this.aclCheck.requireEnforced();
		this.client.agentServiceDeregister(serviceId, this.aclToken);
	}

	public void maintenance(String serviceId, boolean enable, String reason) {
		this.aclCheck.requireEnforced();
		this.client.agentServiceSetMaintenance(serviceId, enable, reason, this.aclToken);
	}

	/**
	 * Updates a TTL check; the note shows in Consul's UI and API as the check's output.
	 */
	public void updateTtl(String checkId, CheckStatus status, String note) {
		this.aclCheck.requireEnforced();
		switch (status) {
			case PASSING -> this.client.agentCheckPass(checkId, note, this.aclToken);
			case WARNING -> this.client.agentCheckWarn(checkId, note, this.aclToken);
			case CRITICAL -> this.client.agentCheckFail(checkId, note, this.aclToken);
		}
	}

	/**
	 * Whether an instance is in maintenance: Consul then gives it a
	 * {@code _service_maintenance:<id>} check, whose notes hold the reason.
	 * @return the maintenance, {@link Maintenance#NONE} when it is not in maintenance
	 */
	public Maintenance maintenance(String service, String instanceId) {
		this.aclCheck.requireEnforced();
		List<HealthService> instances = this.client
			.getHealthServices(service, false, this.aclToken, null, new QueryParams(1, 0))
			.getBody();
		for (HealthService instance : (instances != null) ? instances : List.<HealthService>of()) {
			if (instance.getService() == null || !instanceId.equals(instance.getService().getId())
					|| instance.getChecks() == null) {
				continue;
			}
			for (Check check : instance.getChecks()) {
				if (("_service_maintenance:" + instanceId).equals(check.getCheckId())) {
					return new Maintenance(true, check.getNotes());
				}
			}
		}
		return Maintenance.NONE;
	}

	/**
	 * A blocking query's answer on a KV prefix: the keys and their values, and Consul's
	 * index.
	 */
	public record KvAnswer(long index, Map<String, String> values) {
	}

	/**
	 * Blocking query for the keys under a prefix: returns once Consul's index moves past
	 * {@code index} or after {@code wait}. Index 0 answers at once.
	 */
	public KvAnswer kvValues(String prefix, long index, Duration wait) {
		this.aclCheck.requireEnforced();
		ResponseEntity<List<GetValue>> response;
		try {
			response = this.watchClient.getKVValues(prefix, this.aclToken, Math.max(1, wait.toSeconds()), index);
		}
		catch (HttpClientErrorException.NotFound ex) {
			// No key under the prefix: an answer like any other, whose index the next
			// query blocks on.
			String consulIndex = (ex.getResponseHeaders() != null) ? ex.getResponseHeaders().getFirst("X-Consul-Index")
					: null;
			return new KvAnswer((consulIndex != null) ? Long.parseUnsignedLong(consulIndex) : 0, Map.of());
		}
		String consulIndex = response.getHeaders().getFirst("X-Consul-Index");
		long next = (consulIndex != null) ? Long.parseUnsignedLong(consulIndex) : 0;
		Map<String, String> values = new TreeMap<>();
		List<GetValue> body = response.getBody();
		for (GetValue value : (body != null) ? body : List.<GetValue>of()) {
			if (value.getDecodedValue() != null) {
				values.put(value.getKey(), value.getDecodedValue());
			}
		}
		return new KvAnswer(next, values);
	}

	/**
	 * Blocking query for the passing instances of a service: returns once Consul's index
	 * moves past {@code index} or after {@code wait}. Index 0 answers at once.
	 */
	public HealthAnswer passingInstances(String service, long index, Duration wait) {
		this.aclCheck.requireEnforced();
		ResponseEntity<List<HealthService>> response = this.watchClient.getHealthServices(service, true, this.aclToken,
				null, new QueryParams(Math.max(1, wait.toSeconds()), index));
		String consulIndex = response.getHeaders().getFirst("X-Consul-Index");
		long next = (consulIndex != null) ? Long.parseUnsignedLong(consulIndex) : 0;
		List<HealthService> body = response.getBody();
		return new HealthAnswer(next, (body != null) ? body : List.of());
	}

}

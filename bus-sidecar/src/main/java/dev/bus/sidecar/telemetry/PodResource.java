package dev.bus.sidecar.telemetry;

import java.util.Map;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;

/**
 * Resource attributes the sidecar adds to every span of its pod: the Kubernetes pod,
 * namespace and node from the downward API ({@code POD_NAME}, {@code POD_NAMESPACE},
 * {@code NODE_NAME}, {@code POD_UID}; the chart sets them), the app's instance id, and
 * any configured ones. The app's own attributes take precedence.
 */
public final class PodResource {

	private PodResource() {
	}

	public static Resource of(Map<String, String> environment, String instanceId, Map<String, String> configured) {
		AttributesBuilder attributes = Attributes.builder();
		String podName = environment.getOrDefault("POD_NAME", environment.get("HOSTNAME"));
		putIfSet(attributes, "k8s.pod.name", podName);
		putIfSet(attributes, "k8s.pod.uid", environment.get("POD_UID"));
		putIfSet(attributes, "k8s.namespace.name", environment.get("POD_NAMESPACE"));
		putIfSet(attributes, "k8s.node.name", environment.get("NODE_NAME"));
		attributes.put("service.instance.id", instanceId);
		configured.forEach(attributes::put);
		return Resource.create(attributes.build());
	}

	private static void putIfSet(AttributesBuilder attributes, String key, String value) {
		if (value != null && !value.isBlank()) {
			attributes.put(key, value);
		}
	}

}

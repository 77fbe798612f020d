package dev.bus.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * What the API server checks of names and labels and no schema says: object names are
 * DNS-1123 subdomains (a Service's a DNS-1035 label, since it becomes a DNS name),
 * container names DNS-1123 labels, label keys an optional DNS prefix and a name of at
 * most 63 characters, label values at most 63 characters of letters, digits, {@code -},
 * {@code _} and {@code .}. From Kubernetes' {@code validation.go}.
 */
final class KubernetesNames {

	private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

	private static final Pattern DNS_1123_SUBDOMAIN = Pattern
		.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

	private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

	private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

	private KubernetesNames() {
	}

	/** The names and labels of {@code object} the API server would refuse, described. */
	static List<String> problems(HasMetadata object) {
		List<String> problems = new ArrayList<>();
		String name = object.getMetadata().getName();
		if (object instanceof Service) {
			check(problems, "name", name, DNS_1035_LABEL, 63);
		}
		else {
			check(problems, "name", name, DNS_1123_SUBDOMAIN, 253);
		}
		labels(problems, "labels", object.getMetadata().getLabels());
		if (object instanceof Deployment deployment) {
			PodTemplateSpec template = deployment.getSpec().getTemplate();
			labels(problems, "pod labels", template.getMetadata().getLabels());
			PodSpec pod = template.getSpec();
			for (List<Container> containers : List.of(pod.getContainers(), pod.getInitContainers())) {
				containers
					.forEach((container) -> check(problems, "container name", container.getName(), DNS_1123_LABEL, 63));
			}
		}
		return problems;
	}

	private static void labels(List<String> problems, String where, Map<String, String> labels) {
		if (labels == null) {
			return;
		}
		labels.forEach((key, value) -> {
			int slash = key.indexOf('/');
			if (slash >= 0) {
				check(problems, where + " key prefix", key.substring(0, slash), DNS_1123_SUBDOMAIN, 253);
			}
			check(problems, where + " key", key.substring(slash + 1), LABEL_NAME, 63);
			if (value != null && !value.isEmpty()) {
				check(problems, where + " value of " + key, value, LABEL_NAME, 63);
			}
		});
	}

	private static void check(List<String> problems, String what, String value, Pattern pattern, int maxLength) {
		if (value == null || value.length() > maxLength || !pattern.matcher(value).matches()) {
			problems.add(what + " '" + value + "' is not valid (at most " + maxLength + " characters matching "
					+ pattern.pattern() + ")");
		}
	}

}

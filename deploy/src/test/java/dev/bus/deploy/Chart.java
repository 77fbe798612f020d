package dev.bus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart under test, rendered and linted offline by Helm (helm-java), its output read
 * into fabric8's typed Kubernetes models. A field the model does not know (a misspelling,
 * a field at the wrong level) lands in a model's additional properties; {@link #render}
 * fails on it, as a cluster's schema validation would.
 */
final class Chart {

	static final Path DIRECTORY = vendorDependencies(Path.of("../helm/bus-service").toAbsolutePath().normalize());

	static final Path EXAMPLES = DIRECTORY.resolve("examples");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private Chart() {
	}

	/**
	 * {@code helm dependency update} without a repository: the {@code file://} charts a
	 * chart depends on (bus-service: the bus-sidecar library) packaged into its
	 * {@code charts/}, which git ignores, as a release packages them.
	 */
	static Path vendorDependencies(Path chart) {
		new Helm(chart).dependency().update().skipRefresh().call();
		return chart;
	}

	/**
	 * Renders the chart for a Kubernetes version, with a values file and extra
	 * {@code --set} values.
	 */
	static Rendered render(String kubeVersion, Path valuesFile, Map<String, Object> sets) {
		TemplateCommand template = new Helm(DIRECTORY).template()
			.withName("orders")
			.withNamespace("shop")
			.withKubeVersion(kubeVersion)
			.withValuesFile(valuesFile);
		sets.forEach(template::set);
		String manifests = template.call();
		return new Rendered(manifests, parse(manifests));
	}

	static Rendered render(String kubeVersion, String example) {
		return render(kubeVersion, EXAMPLES.resolve(example), Map.of());
	}

	/**
	 * {@code helm lint --strict} on a copy of the chart whose values are its defaults
	 * overlaid by {@code example}.
	 */
	static LintResult lint(Path example) {
		return lint(DIRECTORY, example);
	}

	/**
	 * {@code helm lint --strict} on a copy of {@code chart} whose values are its defaults
	 * overlaid by {@code example} (lint reads the chart's own values file only).
	 */
	static LintResult lint(Path chart, Path example) {
		try {
			Path copy = Files.createTempDirectory("bus-chart-lint").resolve(chart.getFileName().toString());
			try (Stream<Path> files = Files.walk(chart)) {
				for (Path file : files.toList()) {
					Path target = copy.resolve(chart.relativize(file).toString());
					if (Files.isDirectory(file)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(file, target);
					}
				}
			}
			Map<String, Object> values = yaml(Files.readString(chart.resolve("values.yaml")));
			merge(values, yaml(Files.readString(example)));
			Files.writeString(copy.resolve("values.yaml"), SERIALIZATION.asYaml(values));
			return new Helm(copy).lint().strict().call();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads rendered manifests into typed models; fails on any field the models do not
	 * know.
	 */
	static List<KubernetesResource> parse(String manifests) {
		List<KubernetesResource> resources = new ArrayList<>();
		for (String document : manifests.split("(?m)^---\\s*$")) {
			boolean empty = document.lines().allMatch((line) -> line.isBlank() || line.startsWith("#"));
			if (!empty) {
				KubernetesResource resource = SERIALIZATION.unmarshal(document, KubernetesResource.class);
				List<String> unknown = new ArrayList<>();
				unknownFields(resource, "", unknown, new IdentityHashMap<>());
				if (!unknown.isEmpty()) {
					throw new AssertionError("Fields Kubernetes does not know in " + name(resource) + ": " + unknown);
				}
				if (resource instanceof HasMetadata object && !KubernetesNames.problems(object).isEmpty()) {
					throw new AssertionError("Names or labels the API server refuses in " + name(resource) + ": "
							+ KubernetesNames.problems(object));
				}
				resources.add(resource);
			}
		}
		return resources;
	}

	private static String name(KubernetesResource resource) {
		return (resource instanceof HasMetadata object) ? object.getKind() + " " + object.getMetadata().getName()
				: resource.getClass().getSimpleName();
	}

	/** Walks a model's getters and collects what landed in additional properties. */
	@SuppressWarnings("unchecked")
	private static void unknownFields(Object model, String path, List<String> unknown, Map<Object, Object> seen) {
		if (model == null || seen.put(model, model) != null) {
			return;
		}
		if (model instanceof Collection<?> items) {
			int i = 0;
			for (Object item : items) {
				unknownFields(item, path + "[" + i++ + "]", unknown, seen);
			}
			return;
		}
		if (!model.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
			return;
		}
		boolean generic = model instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource;
		for (Method getter : model.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
					|| getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(model);
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				continue;
			}
			if (getter.getName().equals("getAdditionalProperties")) {
				if (!generic && value instanceof Map<?, ?> extra && !extra.isEmpty()) {
					unknown.add(path + "." + ((Map<String, Object>) extra).keySet());
				}
			}
			else {
				unknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
			}
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> yaml(String text) {
		Map<String, Object> values = SERIALIZATION.unmarshal(text, Map.class);
		return (values != null) ? new LinkedHashMap<>(values) : new LinkedHashMap<>();
	}

	@SuppressWarnings("unchecked")
	private static void merge(Map<String, Object> into, Map<String, Object> overlay) {
		overlay.forEach((key, value) -> {
			if (value instanceof Map<?, ?> nested && into.get(key) instanceof Map<?, ?> existing) {
				Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existing);
				merge(copy, (Map<String, Object>) nested);
				into.put(key, copy);
			}
			else {
				into.put(key, value);
			}
		});
	}

	/**
	 * The rendered objects checked against the Kubernetes schemas offline, by the npm
	 * package kubernetes-models ({@code src/test/node/validate-manifests.mjs};
	 * {@code scripts/infra up} installs it): types, required fields, formats such as
	 * quantities.
	 */
	static SchemaValidation validateOffline(String manifests) {
		Path modules = TestTools.npmPackage("kubernetes-models").getParent();
		TestTools.npmPackage("yaml");
		try {
			Process process = new ProcessBuilder("node", "src/test/node/validate-manifests.mjs", modules.toString())
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			try (var in = process.getOutputStream()) {
				in.write(manifests.getBytes(StandardCharsets.UTF_8));
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("the offline schema validation did not end within 60 s");
			}
			return SchemaValidation.read(SERIALIZATION.unmarshal(output, Map.class));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** What the offline schema validation checked, skipped (no model) and found. */
	record SchemaValidation(List<String> checked, List<String> skipped, List<String> problems) {

		@SuppressWarnings("unchecked")
		static SchemaValidation read(Map<String, Object> json) {
			return new SchemaValidation((List<String>) json.get("checked"), (List<String>) json.get("skipped"),
					(List<String>) json.get("problems"));
		}

	}

	/** What a render produced. */
	record Rendered(String manifests, List<KubernetesResource> resources) {

		<T extends KubernetesResource> List<T> all(Class<T> type) {
			return this.resources.stream().filter(type::isInstance).map(type::cast).toList();
		}

		<T extends KubernetesResource> T one(Class<T> type) {
			List<T> found = all(type);
			if (found.size() != 1) {
				throw new AssertionError("Expected one " + type.getSimpleName() + ", rendered " + found.size());
			}
			return found.get(0);
		}

		Set<String> kinds() {
			return new java.util.TreeSet<>(
					this.resources.stream().map((resource) -> ((HasMetadata) resource).getKind()).toList());
		}

	}

}

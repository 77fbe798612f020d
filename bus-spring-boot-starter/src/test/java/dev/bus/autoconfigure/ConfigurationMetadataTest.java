package dev.bus.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code bus.*} property in the configuration metadata the build generates (the
 * starter's and the sidecar's, both on this classpath) has a description, which is what
 * an IDE shows and what docs/configuration.md is checked against: a javadoc in the wrong
 * place (between another property's javadoc and its field) fails here.
 */
class ConfigurationMetadataTest {

	@Test
	void everyBusPropertyHasADescription() throws IOException {
		TreeSet<String> names = new TreeSet<>();
		List<String> undescribed = new ArrayList<>();
		for (URL metadata : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			JsonNode root;
			try (InputStream in = metadata.openStream()) {
				root = JsonMapper.builder().build().readTree(in);
			}
			for (JsonNode property : root.path("properties")) {
				String name = property.path("name").asString();
				if (name.startsWith("bus.")) {
					names.add(name);
					if (property.path("description").asString("").isBlank()) {
						undescribed.add(name);
					}
				}
			}
		}
		assertThat(names).as("the starter's and the sidecar's metadata were read")
			.contains("bus.listener.recovery-interval", "bus.routing.rule-sets",
					"bus.security.message-token.require-proof", "bus.sidecar.consul.development")
			.hasSizeGreaterThan(100);
		assertThat(undescribed).as("properties without a description").isEmpty();
	}

}

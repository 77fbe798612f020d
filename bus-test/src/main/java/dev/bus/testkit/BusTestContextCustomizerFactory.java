package dev.bus.testkit;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Lets every context Spring's test framework builds resolve {@code test-keyset:}
 * locations ({@link TestKeysets}), and marks it Spring's test framework builds, so the
 * harness can tell a test from an application that has the test kit on its class path by
 * mistake ({@link BusTestAutoConfiguration#TEST_CONTEXT}).
 */
class BusTestContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return new TestContextMarker();
	}

	/** Equal to every other, so contexts are cached as before. */
	static final class TestContextMarker implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			context.addProtocolResolver(new TestKeysets());
			context.getEnvironment()
				.getPropertySources()
				.addLast(
						new MapPropertySource("busTestContext", Map.of(BusTestAutoConfiguration.TEST_CONTEXT, "true")));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof TestContextMarker;
		}

		@Override
		public int hashCode() {
			return TestContextMarker.class.hashCode();
		}

	}

}

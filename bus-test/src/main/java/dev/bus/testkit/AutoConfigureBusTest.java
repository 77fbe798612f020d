package dev.bus.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;
import org.springframework.boot.test.context.PropertyMapping.Skip;

/**
 * Adds a {@link BusTestHarness} to a Spring test ({@code @SpringBootTest}), in Boot's
 * {@code @AutoConfigure…} style: the application runs as it would (its real listeners and
 * publish and receive chains, against the broker it is configured for), and the harness
 * records and awaits what it publishes and how each delivery ends. See docs/testing.md.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("bus.test")
public @interface AutoConfigureBusTest {

	/**
	 * Whether the application runs over Bus's in-process transport (an in-memory broker,
	 * no broker process, no connection) instead of the broker it is configured for.
	 */
	boolean inProcess() default false;

	/**
	 * Whether per-message tokens come from an issuer inside the test (a key in memory,
	 * {@link dev.bus.testkit.security.TestIssuer}) instead of the one the application is
	 * configured for; {@code bus.test.issuer.enabled}.
	 */
	@PropertyMapping(value = "issuer.enabled", skip = Skip.ON_DEFAULT_VALUE)
	boolean testIssuer() default true;

}

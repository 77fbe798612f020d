package dev.bus.testkit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The test kit's settings, {@code bus.test.*}. */
@ConfigurationProperties("bus.test")
public class BusTestProperties {

	/**
	 * How long the harness's awaits wait unless a test says otherwise ({@code within}).
	 */
	private Duration awaitTimeout = Duration.ofSeconds(10);

	public Duration getAwaitTimeout() {
		return this.awaitTimeout;
	}

	public void setAwaitTimeout(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

}

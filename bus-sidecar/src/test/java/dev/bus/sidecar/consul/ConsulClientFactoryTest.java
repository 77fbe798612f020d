package dev.bus.sidecar.consul;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two read timeouts: a watch outlasts its wait, every other call gives up within a
 * heartbeat ({@code PartitionIT} cuts Consul off and measures what that buys).
 */
class ConsulClientFactoryTest {

	@Test
	void aWatchIsNeverCutByTheClient() {
		assertThat(ConsulClientFactory.watchReadTimeout(Duration.ofSeconds(32))).isEqualTo(Duration.ofSeconds(44));
	}

	@Test
	void anyOtherCallGivesUpWithinAHeartbeatInterval() {
		assertThat(ConsulClientFactory.callReadTimeout(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
		assertThat(ConsulClientFactory.callReadTimeout(Duration.ofSeconds(10)))
			.isLessThan(Duration.ofSeconds(10).dividedBy(2));
		assertThat(ConsulClientFactory.callReadTimeout(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
	}

}

package dev.bus.testkit;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.bus.OutboundMessage;
import dev.bus.observation.BusObservations;
import dev.bus.observation.TopicTags;

import static org.assertj.core.api.Assertions.assertThat;

class BusTestAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BusTestAutoConfiguration.class));

	@Test
	void outsideASpringTestTheHarnessRefusesToStartAndSaysWhy() {
		this.runner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("BusTestHarness is for tests")
			.hasMessageContaining("test scope"));
	}

	@Test
	void inATestItHearsBusObservationsEvenWhenTheApplicationHasNoRegistry() {
		this.runner.withPropertyValues(BusTestAutoConfiguration.TEST_CONTEXT + "=true").run((context) -> {
			publish(context.getBean(ObservationRegistry.class), "m-1");
			assertThat(context.getBean(BusTestHarness.class).published("orders.*").messages())
				.extracting(PublishedMessage::messageId)
				.containsExactly("m-1");
		});
	}

	@Test
	void theApplicationsOwnRegistryIsUsed() {
		ObservationRegistry own = ObservationRegistry.create();
		this.runner.withPropertyValues(BusTestAutoConfiguration.TEST_CONTEXT + "=true")
			.withBean(ObservationRegistry.class, () -> own)
			.run((context) -> {
				assertThat(context).getBean(ObservationRegistry.class).isSameAs(own);
				publish(own, "m-2");
				assertThat(context.getBean(BusTestHarness.class).allPublished()).extracting(PublishedMessage::messageId)
					.containsExactly("m-2");
			});
	}

	private static void publish(ObservationRegistry registry, String messageId) {
		BusObservations observations = new BusObservations(registry, null, null, new TopicTags(10));
		BusObservations.publishSettled(observations
			.publishStarted(OutboundMessage.builder("orders.created", "payload").messageId(messageId).build()), null);
	}

}

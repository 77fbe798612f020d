package dev.bus.testkit;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The same scenarios over the in-process transport: no broker process. The broker
 * settings point at a port where nothing listens, so a connection attempt would fail the
 * test.
 */
@SpringBootTest(classes = HarnessScenarios.Shop.class,
		properties = { "spring.application.name=harness-it", "bus.exchange=bus-harness-it",
				"bus.listener.retry.initial-interval=100ms", "bus.listener.retry.max-attempts=2",
				"bus.tracing.enabled=false", "spring.rabbitmq.port=1" })
@AutoConfigureBusTest(inProcess = true)
class InProcessHarnessTest extends HarnessScenarios {

}

package dev.bus.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.Holds;

/**
 * The harness as a user's integration test has it: a {@code @SpringBootTest} of an
 * application with a publisher and listeners, against the broker on 127.0.0.1:5672.
 */
@SpringBootTest(classes = HarnessScenarios.Shop.class,
		properties = { "spring.application.name=harness-it", "bus.exchange=bus-harness-it",
				"bus.listener.retry.initial-interval=100ms", "bus.listener.retry.max-attempts=2",
				"bus.tracing.enabled=false" })
@AutoConfigureBusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BusTestHarnessIT extends HarnessScenarios {

	@BeforeAll
	static void requireBroker() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", 5672), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError("These tests need RabbitMQ on 127.0.0.1:5672: start it with scripts/infra up", ex);
		}
	}

	@AfterAll
	void deleteWhatTheTestsDeclared(@Autowired BusListenerRegistry listeners, @Autowired AmqpAdmin admin) {
		deleteListenersTopology(listeners, admin);
		admin.deleteQueue(Holds.queueName("ops", "freeze"));
		admin.deleteExchange("bus-harness-it");
	}

	/** Stops the listeners and deletes their queues and exchanges from the broker. */
	static void deleteListenersTopology(BusListenerRegistry listeners, AmqpAdmin admin) {
		listeners.stop();
		for (BusListenerDefinition definition : listeners.definitions()) {
			admin.deleteQueue(definition.queue());
			admin.deleteQueue(definition.deadLetterQueue());
			definition.retry().levels().forEach((delay) -> admin.deleteQueue(definition.retryQueue(delay)));
			admin.deleteExchange(definition.movesExchange());
		}
	}

}

package dev.bus.testkit;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.bus.BusPublisher;
import dev.bus.listener.BusListenerRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker the test finds at run time (a container's mapped port, a broker of the CI
 * runner's): a {@link RabbitConnectionDetails} bean, what Boot's
 * {@code @ServiceConnection} declares for a RabbitMQ container, is where Bus connects,
 * whatever {@code spring.rabbitmq.*} says (here a port where nothing listens).
 */
@SpringBootTest(classes = { HarnessScenarios.Shop.class, ConnectionDetailsIT.BrokerFoundAtRunTime.class },
		properties = { "spring.application.name=details-it", "bus.exchange=bus-details-it", "spring.rabbitmq.port=1",
				"bus.tracing.enabled=false" })
@AutoConfigureBusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionDetailsIT {

	@TestConfiguration(proxyBeanMethods = false)
	static class BrokerFoundAtRunTime {

		@Bean
		RabbitConnectionDetails rabbitConnectionDetails() {
			return new RabbitConnectionDetails() {

				@Override
				public String getUsername() {
					return "guest";
				}

				@Override
				public String getPassword() {
					return "guest";
				}

				@Override
				public List<Address> getAddresses() {
					return List.of(new Address("127.0.0.1", 5672));
				}

			};
		}

	}

	@Autowired
	BusTestHarness harness;

	@Autowired
	BusPublisher publisher;

	@BeforeAll
	static void requireBroker() {
		BusTestHarnessIT.requireBroker();
	}

	@Test
	void busConnectsWhereTheConnectionDetailsSay() {
		this.publisher.publish("orders.created", new HarnessScenarios.OrderCreated("o-d", 7));

		assertThat(this.harness.published("orders.created").awaitMessage().confirmed()).isTrue();
		assertThat(this.harness.delivered("orders.created")
			.byListener("reserve")
			.await()
			.payload(HarnessScenarios.OrderCreated.class)).isEqualTo(new HarnessScenarios.OrderCreated("o-d", 7));
	}

	@AfterAll
	void deleteWhatTheTestDeclared(@Autowired BusListenerRegistry listeners, @Autowired AmqpAdmin admin) {
		BusTestHarnessIT.deleteListenersTopology(listeners, admin);
		admin.deleteExchange("bus-details-it");
	}

}

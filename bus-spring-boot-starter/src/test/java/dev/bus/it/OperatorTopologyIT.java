package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.actuate.BusEndpoint;
import dev.bus.annotation.BusListener;
import dev.bus.security.BrokerTokenCredentials;
import dev.bus.security.RabbitScopes;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app whose topology an operator declares ({@code bus.topology.declare=false}) runs
 * with no {@code configure} permission at all: before the operator declared it, health
 * says what is missing; once the operator has declared the definitions the app serves
 * ({@code /actuator/bus/topology}), it consumes, retries through its moves exchange and
 * delay queue, and dead-letters, and the scopes it lists name no configure.
 */
class OperatorTopologyIT {

	private static final String SCOPES = String.join(",", "rabbitmq.read:*/bus/secure.*",
			"rabbitmq.write:*/bus/secure.*", "rabbitmq.read:*/secure-*", "rabbitmq.write:*/secure-*");

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectSecured);

	record Order(String id) {
	}

	static class Orders {

		final Received<BusMessage<Order>> received = new Received<>();

		final Set<String> failOnce = new HashSet<>();

		@BusListener(topic = "${test.topic}", group = "${test.group}", maxAttempts = 2, initialInterval = "200ms")
		void on(BusMessage<Order> order) {
			if (this.failOnce.remove(order.payload().id())) {
				throw new IllegalStateException("fails once");
			}
			this.received.add(order);
		}

	}

	@Test
	void anAppWithNoConfigurePermissionRunsOnTheTopologyAnOperatorDeclared() throws Exception {
		String topic = BusContexts.uniqueName("secure.operated");
		String group = BusContexts.uniqueName("secure-operated");
		SecuredBroker.requireRunning();
		List<String> properties = new ArrayList<>(SecuredBroker.clientProperties("bus-test-no-configure", SCOPES));
		properties.addAll(List.of("spring.rabbitmq.port=" + SecuredBroker.PORT, "bus.topology.declare=false",
				"test.topic=" + topic, "test.group=" + group, "management.endpoints.web.exposure.include=bus"));
		try (ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, "secure-operated",
				List.of(Orders.class), properties.toArray(String[]::new)); Rabbit admin = Rabbit.connectSecured()) {
			this.cleanup.track(app);
			HealthIndicator health = app.getBean("busHealthIndicator", HealthIndicator.class);
			Health before = health.health(true);
			assertThat(before.getStatus()).isEqualTo(Status.DOWN);
			assertThat(before.getDetails().get("missingTopology").toString())
				.contains("queue '" + group + "." + topic + "'", "exchange '" + group + ".moves'");

			// The operator declares what the app serves, as an import of its definitions
			// would.
			@SuppressWarnings("unchecked")
			Map<String, Object> definitions = (Map<String, Object>) app.getBean(BusEndpoint.class)
				.named(BusEndpoint.TOPOLOGY);
			declare(admin.channel(), definitions);
			await().atMost(Duration.ofSeconds(10)).until(() -> Status.UP.equals(health.health(true).getStatus()));
			BusContexts.awaitConsuming(app);

			Orders orders = app.getBean(Orders.class);
			orders.failOnce.add("o-1");
			app.getBean(BusPublisher.class).publish(topic, new Order("o-1")).join();
			assertThat(orders.received.awaitCount(1).get(0).attempt()).as("retried through the moves exchange")
				.isEqualTo(2);

			List<String> listed = app.getBean(BusEndpoint.class).bus().requiredScopes().broker();
			assertThat(listed).noneMatch((scope) -> scope.startsWith("rabbitmq.configure:"));
			Set<String> granted = app.getBean(BrokerTokenCredentials.class).tokens().current().scopes();
			assertThat(granted).noneMatch((scope) -> scope.startsWith("rabbitmq.configure:"));
			assertThat(listed).allMatch((scope) -> RabbitScopes.covers(granted, scope));
		}
	}

	@SuppressWarnings("unchecked")
	private static void declare(Channel channel, Map<String, Object> definitions) throws Exception {
		for (Map<String, Object> exchange : (List<Map<String, Object>>) definitions.get("exchanges")) {
			channel.exchangeDeclare((String) exchange.get("name"), (String) exchange.get("type"),
					(Boolean) exchange.get("durable"), (Boolean) exchange.get("auto_delete"),
					(Boolean) exchange.get("internal"), (Map<String, Object>) exchange.get("arguments"));
		}
		for (Map<String, Object> queue : (List<Map<String, Object>>) definitions.get("queues")) {
			channel.queueDeclare((String) queue.get("name"), (Boolean) queue.get("durable"), false,
					(Boolean) queue.get("auto_delete"), (Map<String, Object>) queue.get("arguments"));
		}
		for (Map<String, Object> binding : (List<Map<String, Object>>) definitions.get("bindings")) {
			Map<String, Object> arguments = (Map<String, Object>) binding.get("arguments");
			if ("queue".equals(binding.get("destination_type"))) {
				channel.queueBind((String) binding.get("destination"), (String) binding.get("source"),
						(String) binding.get("routing_key"), arguments);
			}
			else {
				channel.exchangeBind((String) binding.get("destination"), (String) binding.get("source"),
						(String) binding.get("routing_key"), arguments);
			}
		}
	}

}

package dev.bus.testkit.inprocess;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InProcessBrokerUserTest {

	@Test
	void withScopesAPublishOutsideThemNamesTheScopeItWouldNeed() {
		InProcessBrokerUser limited = new InProcessBrokerUser("orders", List.of("rabbitmq.write:*/bus/orders.*"),
				"rabbitmq", "/");
		assertThat(limited.userId()).isEqualTo("orders");
		assertThat(limited.missingWriteScope("bus", "orders.created")).isNull();
		assertThat(limited.missingWriteScope("bus", "payments.captured")).contains("payments.captured");
	}

	@Test
	void withoutScopesItMayPublishAnywhere() {
		InProcessBrokerUser open = new InProcessBrokerUser("guest", List.of(), "rabbitmq", "/");
		assertThat(open.missingWriteScope("bus", "payments.captured")).isNull();
	}

}

package dev.bus.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write scopes read as RabbitMQ's OAuth2 backend reads them (checked against the real
 * node in SecuredBrokerIT): three parts, {@code *} matching any run of characters, dots
 * included.
 */
class RabbitScopesTest {

	private final RabbitScopes scopes = RabbitScopes.of("rabbitmq",
			List.of("rabbitmq.configure:*/bus", "rabbitmq.write:*/bus/orders.*", "rabbitmq.write:prod/bus/audit",
					"rabbitmq.read:*/bus/payments.*", "rabbitmq.write:*/bus", "other.write:*/bus/payments.*",
					"rabbitmq.write:*/events/*.created"));

	@Test
	void aThreePartWriteScopeCoversTheTopicsItsPatternsMatch() {
		assertThat(this.scopes.missingWriteScope("/", "bus", "orders.created")).isNull();
		assertThat(this.scopes.missingWriteScope("/", "bus", "orders.eu.created")).as("* spans dots").isNull();
		assertThat(this.scopes.missingWriteScope("/", "events", "orders.created")).isNull();
		assertThat(this.scopes.missingWriteScope("prod", "bus", "audit")).isNull();
	}

	@Test
	void readScopesTwoPartWriteScopesAndOtherResourceServersGrantNoTopic() {
		assertThat(this.scopes.missingWriteScope("/", "bus", "payments.captured"))
			.isEqualTo("rabbitmq.write:*/bus/payments.captured");
		assertThat(this.scopes.missingWriteScope("staging", "bus", "audit"))
			.isEqualTo("rabbitmq.write:staging/bus/audit");
		assertThat(this.scopes.missingWriteScope("/", "bus", "ordersx")).isNotNull();
		assertThat(this.scopes.missingWriteScope("/", "busx", "orders.created")).isNotNull();
	}

	@Test
	void patternCharactersOtherThanTheStarAreLiteral() {
		RabbitScopes literal = RabbitScopes.of("rabbitmq", List.of("rabbitmq.write:*/bus/a.b+c"));
		assertThat(literal.missingWriteScope("/", "bus", "a.b+c")).isNull();
		assertThat(literal.missingWriteScope("/", "bus", "aXb+c")).isNotNull();
		assertThat(literal.missingWriteScope("/", "bus", "a.bbc")).isNotNull();
	}

	@Test
	void aGrantedScopeCoversARequiredOneWhenEachOfItsPatternsMatchesIt() {
		List<String> granted = List.of("rabbitmq.configure:*/bus", "rabbitmq.write:*/bus/orders.*",
				"rabbitmq.read:*/inventory*", "rabbitmq.write:*/payments");
		assertThat(RabbitScopes.covers(granted, "rabbitmq.configure:*/bus")).isTrue();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.write:*/bus/orders.created")).isTrue();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.write:*/bus/orders.*")).isTrue();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.read:*/inventory.*")).isTrue();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.write:*/bus/payments.captured")).isFalse();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.read:*/bus/orders.created")).as("another permission")
			.isFalse();
		assertThat(RabbitScopes.covers(granted, "rabbitmq.write:*/payments/x")).as("no routing key part").isFalse();
		assertThat(RabbitScopes.covers(List.of("rabbitmq.write:*/bus/orders.created"), "rabbitmq.write:*/bus/orders.*"))
			.as("narrower")
			.isFalse();
	}

}

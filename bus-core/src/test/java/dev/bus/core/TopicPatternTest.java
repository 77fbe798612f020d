package dev.bus.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopicPatternTest {

	@ParameterizedTest
	@CsvSource({ "orders.created, orders.created, true", "orders.*, orders.created, true",
			"orders.*, orders.created.eu, false", "orders.#, orders, true", "orders.#, orders.created.eu, true",
			"#, anything.at.all, true", "*.created, orders.created, true", "*.created, created, false",
			"orders.#.eu, orders.eu, true", "orders.#.eu, orders.created.eu, true", "orders.#.eu, orders.us, false",
			"orders.created, orders.cancelled, false" })
	void matchesLikeATopicExchange(String pattern, String topic, boolean expected) {
		assertThat(TopicPattern.of(pattern).matches(topic)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "orders..created", ".orders", "orders.", "orders.cre*ted", "orders created",
			"orders.#x" })
	void rejectsInvalidPatterns(String pattern) {
		assertThatIllegalArgumentException().isThrownBy(() -> TopicPattern.of(pattern))
			.withMessageContaining("Topic pattern");
	}

	@ParameterizedTest
	@ValueSource(strings = { "orders.*", "#", "orders.#" })
	void topicsMustNotHaveWildcards(String topic) {
		assertThatIllegalArgumentException().isThrownBy(() -> TopicPattern.requireTopic(topic))
			.withMessageContaining("must not contain wildcards");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "orders..created", ".orders", "orders.", "orders.cre*ted", "orders created",
			"orders.créé", "orders/created", "orders.\tcreated" })
	void rejectsInvalidTopics(String topic) {
		assertThatIllegalArgumentException().isThrownBy(() -> TopicPattern.requireTopic(topic))
			.withMessageContaining("Topic");
	}

	@ParameterizedTest
	@ValueSource(strings = { "orders", "orders.created", "Orders.created-EU.v_2", "a.b.c.d.e.f", "0.9" })
	void acceptsValidTopics(String topic) {
		assertThat(TopicPattern.requireTopic(topic)).isEqualTo(topic);
		assertThat(TopicPattern.of(topic).matches(topic)).isTrue();
	}

	@org.junit.jupiter.api.Test
	void acceptsTopicsOfExactlyTheRoutingKeyLimit() {
		String topic = "a".repeat(255);
		assertThat(TopicPattern.requireTopic(topic)).isEqualTo(topic);
	}

	@org.junit.jupiter.api.Test
	void rejectsTopicsLongerThanARoutingKey() {
		String longTopic = "a".repeat(256);
		assertThatIllegalArgumentException().isThrownBy(() -> TopicPattern.requireTopic(longTopic))
			.withMessageContaining("255 bytes");
	}

}

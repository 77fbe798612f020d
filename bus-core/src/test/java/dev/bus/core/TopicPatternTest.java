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

	/**
	 * The matcher walks topics in place; it must decide exactly as the plain definition
	 * does (split into words, {@code *} one word, {@code #} zero or more), for every
	 * pattern and topic over a small alphabet, malformed topics (empty words) included.
	 */
	@org.junit.jupiter.api.Test
	void matchesExactlyAsTheWordByWordDefinition() {
		java.util.List<String> words = java.util.List.of("a", "b", "ab", "*", "#");
		java.util.List<String> patterns = new java.util.ArrayList<>();
		java.util.List<String> topics = new java.util.ArrayList<>(java.util.List.of("", ".", "a.", ".a", "a..b"));
		for (String first : words) {
			patterns.add(first);
			for (String second : words) {
				patterns.add(first + "." + second);
				for (String third : words) {
					patterns.add(first + "." + second + "." + third);
				}
			}
		}
		for (String first : java.util.List.of("a", "b", "ab", "c")) {
			topics.add(first);
			for (String second : java.util.List.of("a", "b", "ab")) {
				topics.add(first + "." + second);
				topics.add(first + "." + second + ".b");
				topics.add(first + "." + second + ".a.b");
			}
		}
		int checked = 0;
		for (String pattern : patterns) {
			TopicPattern parsed;
			try {
				parsed = TopicPattern.of(pattern);
			}
			catch (IllegalArgumentException ex) {
				// not a pattern (a word mixing letters and wildcards does not occur here)
				continue;
			}
			for (String topic : topics) {
				assertThat(parsed.matches(topic)).as(pattern + " ~ '" + topic + "'")
					.isEqualTo(byDefinition(pattern.split("\\.", -1), 0, topic.split("\\.", -1), 0));
				checked++;
			}
		}
		assertThat(checked).isGreaterThan(4000);
	}

	private static boolean byDefinition(String[] pattern, int p, String[] topic, int t) {
		if (p == pattern.length) {
			return t == topic.length;
		}
		if (pattern[p].equals("#")) {
			for (int next = t; next <= topic.length; next++) {
				if (byDefinition(pattern, p + 1, topic, next)) {
					return true;
				}
			}
			return false;
		}
		return t < topic.length && (pattern[p].equals("*") || pattern[p].equals(topic[t]))
				&& byDefinition(pattern, p + 1, topic, t + 1);
	}

}

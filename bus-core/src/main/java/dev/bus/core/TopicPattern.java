package dev.bus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A topic or topic pattern with RabbitMQ topic-exchange semantics: dot-separated words, where {@code *} matches
 * exactly one word and {@code #} matches zero or more. Words are made of letters, digits, {@code -} and
 * {@code _}, so a topic is always a valid, readable routing key.
 *
 * <p>Used by the starter to validate listener declarations at start-up and by the sidecar to match routing
 * rules the same way the broker does.
 */
public final class TopicPattern {

	/** AMQP short strings (routing keys) are at most 255 bytes. */
	public static final int MAX_LENGTH = 255;

	private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_-]+");

	private final String pattern;

	private final List<String> words;

	private TopicPattern(String pattern) {
		this.pattern = pattern;
		this.words = Arrays.asList(pattern.split("\\.", -1));
	}

	/**
	 * Parses a pattern that may contain wildcards.
	 * @throws IllegalArgumentException naming what is wrong with it
	 */
	public static TopicPattern of(String pattern) {
		validate(pattern, true);
		return new TopicPattern(pattern);
	}

	/**
	 * Checks a concrete topic (no wildcards), as used when publishing.
	 * @throws IllegalArgumentException naming what is wrong with it
	 */
	public static String requireTopic(String topic) {
		if (!isPlainTopic(topic)) {
			validate(topic, false);
		}
		return topic;
	}

	/**
	 * The check every publish makes, without splitting or regular expressions: non-empty words of allowed
	 * characters (all ASCII, so one byte each) separated by single dots, within the length limit. Anything else
	 * goes through {@link #validate} for its error message.
	 */
	private static boolean isPlainTopic(String topic) {
		int length = (topic != null) ? topic.length() : 0;
		if (length == 0 || length > MAX_LENGTH) {
			return false;
		}
		boolean wordStart = true;
		for (int i = 0; i < length; i++) {
			char c = topic.charAt(i);
			if (c == '.') {
				if (wordStart) {
					return false;
				}
				wordStart = true;
			}
			else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_') {
				wordStart = false;
			}
			else {
				return false;
			}
		}
		return !wordStart;
	}

	private static void validate(String value, boolean wildcardsAllowed) {
		String what = wildcardsAllowed ? "Topic pattern" : "Topic";
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(what + " must not be empty");
		}
		if (value.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
			throw new IllegalArgumentException(what + " '" + value + "' is longer than " + MAX_LENGTH + " bytes");
		}
		for (String word : value.split("\\.", -1)) {
			boolean wildcard = word.equals("*") || word.equals("#");
			if (wildcard && !wildcardsAllowed) {
				throw new IllegalArgumentException(what + " '" + value + "' must not contain wildcards (* or #)");
			}
			if (!wildcard && !WORD.matcher(word).matches()) {
				throw new IllegalArgumentException(what + " '" + value + "' has an invalid word '" + word
						+ "': words are dot-separated and made of letters, digits, '-' and '_'"
						+ (wildcardsAllowed ? ", or are exactly '*' or '#'" : ""));
			}
		}
	}

	/** Whether the pattern contains {@code *} or {@code #}. */
	public boolean hasWildcards() {
		return this.words.contains("*") || this.words.contains("#");
	}

	/** Whether any of {@code patterns} matches {@code topic}. */
	public static boolean anyMatches(java.util.Collection<TopicPattern> patterns, String topic) {
		for (TopicPattern pattern : patterns) {
			if (pattern.matches(topic)) {
				return true;
			}
		}
		return false;
	}

	/** Whether a concrete topic matches this pattern, exactly as a RabbitMQ topic exchange would route it. */
	public boolean matches(String topic) {
		return matches(0, topic.split("\\.", -1), 0);
	}

	private boolean matches(int patternIndex, String[] topicWords, int topicIndex) {
		if (patternIndex == this.words.size()) {
			return topicIndex == topicWords.length;
		}
		String word = this.words.get(patternIndex);
		if (word.equals("#")) {
			for (int next = topicIndex; next <= topicWords.length; next++) {
				if (matches(patternIndex + 1, topicWords, next)) {
					return true;
				}
			}
			return false;
		}
		if (topicIndex == topicWords.length) {
			return false;
		}
		return (word.equals("*") || word.equals(topicWords[topicIndex]))
				&& matches(patternIndex + 1, topicWords, topicIndex + 1);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TopicPattern that && this.pattern.equals(that.pattern);
	}

	@Override
	public int hashCode() {
		return this.pattern.hashCode();
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}

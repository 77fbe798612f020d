package dev.bus.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A topic or topic pattern with RabbitMQ topic-exchange semantics: dot-separated words,
 * where {@code *} matches exactly one word and {@code #} matches zero or more. Words are
 * made of letters, digits, {@code -} and {@code _}, so a topic is always a valid,
 * readable routing key.
 *
 * <p>
 * Used by the starter to validate listener declarations at start-up and by the sidecar to
 * match routing rules the same way the broker does.
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
	 * The check every publish makes, without splitting or regular expressions: non-empty
	 * words of allowed characters (all ASCII, so one byte each) separated by single dots,
	 * within the length limit. Anything else goes through {@link #validate} for its error
	 * message.
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

	/**
	 * Whether a concrete topic matches this pattern, exactly as a RabbitMQ topic exchange
	 * would route it. It walks the topic's words in place rather than splitting it: every
	 * publish and delivery matches its topic against the encrypted topics, the token
	 * topics and the routing rules' patterns, and splitting showed in the encrypted
	 * contender's profile (docs/BENCHMARKS.md, session 10).
	 */
	public boolean matches(String topic) {
		return matches(0, topic, 0);
	}

	/**
	 * @param start where the topic's next word begins; past the topic's end
	 * ({@code topic.length() + 1}) when no word is left
	 */
	private boolean matches(int patternIndex, String topic, int start) {
		boolean wordsLeft = start <= topic.length();
		if (patternIndex == this.words.size()) {
			return !wordsLeft;
		}
		String word = this.words.get(patternIndex);
		if (word.equals("#")) {
			for (int next = start;; next = nextWord(topic, next)) {
				if (matches(patternIndex + 1, topic, next)) {
					return true;
				}
				if (next > topic.length()) {
					return false;
				}
			}
		}
		if (!wordsLeft) {
			return false;
		}
		int end = wordEnd(topic, start);
		boolean wordMatches = word.equals("*")
				|| (end - start == word.length() && topic.regionMatches(start, word, 0, word.length()));
		return wordMatches && matches(patternIndex + 1, topic, end + 1);
	}

	private static int wordEnd(String topic, int start) {
		int dot = topic.indexOf('.', start);
		return (dot < 0) ? topic.length() : dot;
	}

	/**
	 * Where the word after the one at {@code start} begins ({@code topic.length() + 1}:
	 * none).
	 */
	private static int nextWord(String topic, int start) {
		return wordEnd(topic, start) + 1;
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

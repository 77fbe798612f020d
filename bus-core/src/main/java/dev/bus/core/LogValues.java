package dev.bus.core;

/**
 * Makes a value that arrived with a message (its id, topic, a header, a user name) safe
 * to put in a log line or an exception message: control characters, line and paragraph
 * separators are written as escapes, so a value can never end the line and forge another
 * one, and a value is cut to a bounded length.
 */
public final class LogValues {

	/** Longest value written; longer ones are cut and end with {@code ...}. */
	public static final int MAX_LENGTH = 256;

	private LogValues() {
	}

	/**
	 * @param value a value from a message, or {@code null}
	 * @return the value with every control character escaped ({@code \n}, {@code \r},
	 * {@code \t}, else {@code \}{@code uXXXX}), cut to {@value #MAX_LENGTH} characters;
	 * {@code "null"} for {@code null}
	 */
	public static String escape(Object value) {
		if (value == null) {
			return "null";
		}
		String text = value.toString();
		int end = Math.min(text.length(), MAX_LENGTH);
		StringBuilder escaped = null;
		for (int i = 0; i < end; i++) {
			char c = text.charAt(i);
			if (!needsEscape(c)) {
				if (escaped != null) {
					escaped.append(c);
				}
				continue;
			}
			if (escaped == null) {
				escaped = new StringBuilder(end + 16).append(text, 0, i);
			}
			switch (c) {
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '\t' -> escaped.append("\\t");
				default -> escaped.append(String.format("\\u%04x", (int) c));
			}
		}
		String result = (escaped != null) ? escaped.toString() : text.substring(0, end);
		return (text.length() > MAX_LENGTH) ? result + "..." : result;
	}

	private static boolean needsEscape(char c) {
		return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
	}

}

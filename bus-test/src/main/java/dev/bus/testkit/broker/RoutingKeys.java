package dev.bus.testkit.broker;

import java.util.Map;

/** How RabbitMQ's exchange types match a message to a binding. */
final class RoutingKeys {

	private RoutingKeys() {
	}

	/**
	 * A topic exchange's match: words split on dots, {@code *} exactly one word,
	 * {@code #} zero or more.
	 */
	static boolean topicMatches(String pattern, String routingKey) {
		return matches(pattern.split("\\.", -1), 0, routingKey.split("\\.", -1), 0);
	}

	private static boolean matches(String[] pattern, int p, String[] key, int k) {
		if (p == pattern.length) {
			return k == key.length;
		}
		if ("#".equals(pattern[p])) {
			for (int skip = k; skip <= key.length; skip++) {
				if (matches(pattern, p + 1, key, skip)) {
					return true;
				}
			}
			return false;
		}
		if (k == key.length) {
			return false;
		}
		return ("*".equals(pattern[p]) || pattern[p].equals(key[k])) && matches(pattern, p + 1, key, k + 1);
	}

	/**
	 * A headers exchange's match: {@code x-match} {@code all} (the default) or
	 * {@code any} of the binding's arguments not starting with {@code x-} equal to the
	 * message's headers; {@code all-with} and {@code any-with} count the {@code x-}
	 * arguments too.
	 */
	static boolean headersMatch(Map<String, Object> arguments, Map<String, Object> headers) {
		String mode = String.valueOf(arguments.getOrDefault("x-match", "all"));
		boolean withX = mode.endsWith("-with");
		boolean any = mode.startsWith("any");
		for (Map.Entry<String, Object> argument : arguments.entrySet()) {
			if (argument.getKey().equals("x-match") || (!withX && argument.getKey().startsWith("x-"))) {
				continue;
			}
			Object value = headers.get(argument.getKey());
			boolean equal = headers.containsKey(argument.getKey()) && (argument.getValue() == null
					|| String.valueOf(argument.getValue()).equals(String.valueOf(value)));
			if (any && equal) {
				return true;
			}
			if (!any && !equal) {
				return false;
			}
		}
		// all: every argument matched (none is all of none); any: none did
		return !any;
	}

}

package dev.bus.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The RabbitMQ write permissions in an OAuth2 token's scopes, read as RabbitMQ's OAuth2
 * backend reads them:
 * {@code <resource server id>.write:<vhost>/<exchange>/<routing key>}, each part a
 * pattern in which {@code *} matches any run of characters. On a topic exchange only
 * three-part write scopes grant anything: a two-part {@code write:*}{@code /bus} lets the
 * application publish to no routing key at all.
 *
 * <p>
 * Answers are remembered per exchange and routing key (up to {@value #MAX_REMEMBERED} of
 * them, since topics may be built from data), so a steady publisher pays for the pattern
 * matching once per topic.
 */
public final class RabbitScopes {

	static final int MAX_REMEMBERED = 1024;

	private final String writePrefix;

	private final List<WriteScope> writeScopes;

	private final Map<String, Boolean> answers = new ConcurrentHashMap<>();

	private RabbitScopes(String writePrefix, List<WriteScope> writeScopes) {
		this.writePrefix = writePrefix;
		this.writeScopes = writeScopes;
	}

	/**
	 * @param resourceServerId RabbitMQ's {@code auth_oauth2.resource_server_id}, the
	 * scopes' prefix
	 * @param scopes the token's scopes
	 */
	public static RabbitScopes of(String resourceServerId, Collection<String> scopes) {
		String writePrefix = resourceServerId + ".write:";
		List<WriteScope> writeScopes = new ArrayList<>();
		for (String scope : scopes) {
			if (scope.startsWith(writePrefix)) {
				String[] parts = scope.substring(writePrefix.length()).split("/", 3);
				if (parts.length == 3) {
					writeScopes.add(new WriteScope(glob(parts[0]), glob(parts[1]), glob(parts[2])));
				}
			}
		}
		return new RabbitScopes(writePrefix, List.copyOf(writeScopes));
	}

	/**
	 * @return {@code null} when a write scope lets the token publish to {@code exchange}
	 * in {@code vhost} with {@code routingKey}, otherwise the narrowest scope that would
	 */
	public String missingWriteScope(String vhost, String exchange, String routingKey) {
		String key = vhost + '/' + exchange + '/' + routingKey;
		Boolean allowed = this.answers.get(key);
		if (allowed == null) {
			allowed = this.writeScopes.stream().anyMatch((scope) -> scope.allows(vhost, exchange, routingKey));
			if (this.answers.size() < MAX_REMEMBERED) {
				this.answers.put(key, allowed);
			}
		}
		if (allowed) {
			return null;
		}
		// The default virtual host "/" cannot be named in a scope's first part: a pattern
		// matches it.
		return this.writePrefix + ("/".equals(vhost) ? "*" : vhost) + '/' + exchange + '/' + routingKey;
	}

	/**
	 * Whether one of {@code granted} gives what the scope {@code required} does, judged
	 * as RabbitMQ's OAuth2 backend reads them: the same permission, each pattern of the
	 * granted scope matching the required one's text (so {@code write:*&#47;orders.*}
	 * covers itself and {@code write:*&#47;orders.created} does not cover it), and a
	 * routing-key part where the required scope has one (a two-part scope grants no
	 * routing key on a topic exchange).
	 */
	public static boolean covers(Collection<String> granted, String required) {
		int colon = required.indexOf(':');
		if (colon < 0) {
			return granted.contains(required);
		}
		String permission = required.substring(0, colon + 1);
		String[] wanted = required.substring(colon + 1).split("/", 3);
		for (String scope : granted) {
			if (!scope.startsWith(permission)) {
				continue;
			}
			String[] parts = scope.substring(permission.length()).split("/", 3);
			if (parts.length < 2 || parts.length < wanted.length) {
				continue;
			}
			boolean all = true;
			for (int i = 0; i < wanted.length && all; i++) {
				all = glob(parts[i]).matcher(wanted[i]).matches();
			}
			if (all) {
				return true;
			}
		}
		return false;
	}

	private static Pattern glob(String pattern) {
		StringBuilder regex = new StringBuilder();
		for (String literal : pattern.split("\\*", -1)) {
			if (!regex.isEmpty()) {
				regex.append(".*");
			}
			regex.append(Pattern.quote(literal));
		}
		return Pattern.compile(regex.toString());
	}

	private record WriteScope(Pattern vhost, Pattern exchange, Pattern routingKey) {

		boolean allows(String vhost, String exchange, String routingKey) {
			return this.vhost.matcher(vhost).matches() && this.exchange.matcher(exchange).matches()
					&& this.routingKey.matcher(routingKey).matches();
		}

	}

}

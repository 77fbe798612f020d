package dev.bus.security;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code scope} claim of a JWT, which issuers write as a space-separated string or as
 * a list.
 */
final class ScopeClaim {

	private ScopeClaim() {
	}

	/** The scopes in the claim, sorted; {@code null} when the claim is neither form. */
	static Set<String> read(Object claim) {
		if (claim instanceof String text) {
			Set<String> scopes = new TreeSet<>();
			for (String scope : text.trim().split("\\s+")) {
				if (!scope.isEmpty()) {
					scopes.add(scope);
				}
			}
			return scopes;
		}
		if (claim instanceof Collection<?> list) {
			Set<String> scopes = new TreeSet<>();
			list.forEach((item) -> scopes.add(String.valueOf(item)));
			return scopes;
		}
		return null;
	}

}

package dev.bus;

import java.util.Map;
import java.util.Set;

/**
 * Who published a delivered message, as its per-message token proved: a token from the
 * configured issuer, for the bus audience, valid when the message was sent, whose subject
 * is the publisher the broker authenticated.
 *
 * @param subject the token's subject, the publisher's broker user
 * @param scopes the token's scopes
 * @param claims all of the token's claims (never the token itself)
 */
public record VerifiedPublisher(String subject, Set<String> scopes, Map<String, Object> claims) {

	public VerifiedPublisher {
		scopes = Set.copyOf(scopes);
		claims = Map.copyOf(claims);
	}

}

package dev.bus.issuer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Sets an access token's audience from the scopes it was granted, one audience per scope
 * family: {@code rabbitmq.*} scopes make a token for the broker (audience
 * {@code rabbitmq}, which RabbitMQ's OAuth2 backend requires), {@code bus.*} scopes a
 * per-message token for Bus's listeners (audience {@code bus}, which the broker refuses),
 * {@code actuator.*} scopes a token for the apps' actuator operations (audience
 * {@code actuator}: the samples' dead-letter replays and hold releases need
 * {@code actuator.operator}). A request for two families at once is refused, so that a
 * token meant for one can never be replayed at another (a per-message token as a broker
 * password, an operator's token on a message).
 */
class ScopeAudienceTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		Set<String> audiences = new LinkedHashSet<>();
		for (String scope : context.getAuthorizedScopes()) {
			if (scope.startsWith("rabbitmq.")) {
				audiences.add("rabbitmq");
			}
			else if (scope.startsWith("bus.")) {
				audiences.add("bus");
			}
			else if (scope.startsWith("actuator.")) {
				audiences.add("actuator");
			}
		}
		if (audiences.size() > 1) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
					"ask for rabbitmq.*, bus.* and actuator.* scopes in separate token requests", null));
		}
		if (!audiences.isEmpty()) {
			context.getClaims().audience(List.copyOf(audiences));
		}
	}

}

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
import org.springframework.stereotype.Component;

/**
 * Sets an access token's audience from the scopes it was granted: {@code rabbitmq.*}
 * scopes make a token for the broker (audience {@code rabbitmq}, which RabbitMQ's OAuth2
 * backend requires), {@code bus.*} scopes a per-message token for Bus's listeners
 * (audience {@code bus}, which the broker refuses). A request for both kinds at once is
 * refused, so that a per-message token can never be replayed as a broker password.
 */
@Component
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
		}
		if (audiences.size() > 1) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
					"ask for rabbitmq.* and bus.* scopes in separate token requests", null));
		}
		if (!audiences.isEmpty()) {
			context.getClaims().audience(List.copyOf(audiences));
		}
	}

}

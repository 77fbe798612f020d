package dev.bus.issuer;

import java.util.List;
import java.util.Locale;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Puts the person's roles in the ID token as {@code roles} ({@code viewer},
 * {@code operator}), which the console maps to its own roles. Only ID tokens: an access
 * token's rights are its scopes.
 */
class RolesClaimTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	static final String ROLES_CLAIM = "roles";

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
			return;
		}
		List<String> roles = context.getPrincipal()
			.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((authority) -> authority != null && authority.startsWith("ROLE_"))
			.map((authority) -> authority.substring(5).toLowerCase(Locale.ROOT))
			.toList();
		context.getClaims().claim(ROLES_CLAIM, roles);
	}

}

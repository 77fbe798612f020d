package dev.bus.issuer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The issuer's one token customizer (Spring Authorization Server takes a single bean):
 * access tokens get their audience from their scopes, ID tokens the person's roles.
 */
@Configuration(proxyBeanMethods = false)
class IssuerTokenCustomizer {

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> tokenCustomizer() {
		OAuth2TokenCustomizer<JwtEncodingContext> audience = new ScopeAudienceTokenCustomizer();
		OAuth2TokenCustomizer<JwtEncodingContext> roles = new RolesClaimTokenCustomizer();
		return (context) -> {
			audience.customize(context);
			roles.customize(context);
		};
	}

}

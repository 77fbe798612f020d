package dev.bus.console.security;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.web.SecurityFilterChain;

import dev.bus.console.ConsoleProperties;

/**
 * Who may do what in the console. People log in with the authorization code flow and PKCE
 * against the organisation's issuer; their roles come from the ID token's {@code roles}
 * claim ({@code bus.console.roles-claim}): a {@code viewer} reads every page, an
 * {@code operator} also retries, discards, edits routing rules and releases holds. Every
 * request that changes something is a POST that only operators may make (403 for a
 * viewer, whatever the page showed) and carries Spring Security's CSRF token, which the
 * console's forms include. The health endpoint is open for probes; the rest of the
 * actuator (the audit events among it) is the operators'.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

	/** A person who reads the console. */
	public static final String VIEWER = "VIEWER";

	/** A person who also acts on the bus through it. */
	public static final String OPERATOR = "OPERATOR";

	@Bean
	SecurityFilterChain console(HttpSecurity http, ClientRegistrationRepository registrations) throws Exception {
		DefaultOAuth2AuthorizationRequestResolver pkce = new DefaultOAuth2AuthorizationRequestResolver(registrations,
				"/oauth2/authorization");
		pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to("health"))
				.permitAll()
				.requestMatchers("/console.css", "/error")
				.permitAll()
				.requestMatchers(EndpointRequest.toAnyEndpoint())
				.hasRole(OPERATOR)
				.requestMatchers(HttpMethod.GET, "/**")
				.hasAnyRole(VIEWER, OPERATOR)
				.anyRequest()
				.hasRole(OPERATOR))
			.oauth2Login(
					(login) -> login.authorizationEndpoint((endpoint) -> endpoint.authorizationRequestResolver(pkce)))
			.logout((logout) -> logout.logoutSuccessUrl("/"))
			.build();
	}

	/**
	 * The person's roles from the ID token's roles claim, as {@code ROLE_VIEWER} and
	 * {@code ROLE_OPERATOR}; any other role is ignored, and an operator can always view.
	 */
	@Bean
	GrantedAuthoritiesMapper rolesFromIdToken(ConsoleProperties properties) {
		return (authorities) -> {
			Set<GrantedAuthority> mapped = new HashSet<>(authorities);
			for (GrantedAuthority authority : authorities) {
				if (authority instanceof OidcUserAuthority oidc) {
					List<String> roles = oidc.getIdToken().getClaimAsStringList(properties.rolesClaim());
					for (String role : (roles != null) ? roles : List.<String>of()) {
						String name = role.toUpperCase(Locale.ROOT);
						if (name.equals(OPERATOR)) {
							mapped.add(new SimpleGrantedAuthority("ROLE_" + OPERATOR));
							mapped.add(new SimpleGrantedAuthority("ROLE_" + VIEWER));
						}
						else if (name.equals(VIEWER)) {
							mapped.add(new SimpleGrantedAuthority("ROLE_" + VIEWER));
						}
					}
				}
			}
			return mapped;
		};
	}

}

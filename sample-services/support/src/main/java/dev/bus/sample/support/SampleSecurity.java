package dev.bus.sample.support;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.bus.actuate.BusEndpoint;

/**
 * The sample services' HTTP security. The actuator's write operations (the {@code bus}
 * endpoint's dead-letter replay and hold release) change what the service does, so they
 * need a token from the Bus issuer with scope {@code actuator.operator} (audience
 * {@code actuator}: a broker token or a per-message token lifted from a message does not
 * pass), and so does the one read that shows message content, the listing of a listener's
 * dead letters. Reading the rest of the actuator ({@code GET}, {@code HEAD}) stays open:
 * the sidecar reads {@code /actuator/bus} for the service's topics and the kubelet its
 * health. The service's own API (placing an order, on loopback) is left open so the
 * demo's curl commands work: what the samples show is security on the bus
 * (docs/security.md). Method security is on, for {@code @PreAuthorize} on what listeners
 * call.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SampleSecurity {

	/** The scope the actuator's write operations need, as Spring Security's authority. */
	public static final String OPERATOR_AUTHORITY = "SCOPE_actuator.operator";

	/** The audience the issuer gives {@code actuator.*} scopes. */
	public static final String OPERATOR_AUDIENCE = "actuator";

	@Bean
	SecurityFilterChain sampleApi(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests
			// a read that shows message content: an operator's, as the writes are
			.requestMatchers(deadLetterListings())
			.hasAuthority(OPERATOR_AUTHORITY)
			.requestMatchers(EndpointRequest.toAnyEndpoint().withHttpMethod(HttpMethod.GET))
			.permitAll()
			// the sidecar asks with HEAD whether the app serves its AsyncAPI document
			.requestMatchers(EndpointRequest.toAnyEndpoint().withHttpMethod(HttpMethod.HEAD))
			.permitAll()
			.requestMatchers(EndpointRequest.toAnyEndpoint())
			.hasAuthority(OPERATOR_AUTHORITY)
			.anyRequest()
			.permitAll())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			// no session, no cookie: a bearer token or nothing, so there is no session a
			// cross-site request could ride (Spring Security ignores CSRF for bearer
			// requests; the open sample API takes curl's POSTs without one)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	/** {@code GET /actuator/bus/{listenerId}/dead-letters}. */
	private static RequestMatcher deadLetterListings() {
		return new AndRequestMatcher(EndpointRequest.to(BusEndpoint.class),
				(request) -> request.getRequestURI().endsWith("/" + BusEndpoint.DEAD_LETTERS));
	}

	/**
	 * Operator tokens from the Bus issuer: its signature (the issuer's JWKS), issuer,
	 * expiry and audience {@code actuator}.
	 */
	@Bean
	JwtDecoder operatorTokenDecoder(@Value("${bus.issuer}") String issuer) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/oauth2/jwks").build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer),
				new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
						(audience) -> audience != null && audience.contains(OPERATOR_AUDIENCE))));
		return decoder;
	}

}

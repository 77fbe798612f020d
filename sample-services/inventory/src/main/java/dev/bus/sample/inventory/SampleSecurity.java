package dev.bus.sample.inventory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The sample's own HTTP API (on loopback) is left open, so the demo's curl commands work:
 * what this sample shows is security on the bus (broker tokens, mutual TLS, per-message
 * tokens, docs/security.md). Method security is on, for {@code @PreAuthorize} on what
 * listeners call.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SampleSecurity {

	@Bean
	SecurityFilterChain openSampleApi(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

}

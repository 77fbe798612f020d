package dev.bus.issuer;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The people who log in to the issuer's form ({@code bus.issuer.users}): Boot's own user
 * ({@code spring.security.user}) is one person with one password, and the console needs a
 * viewer and an operator.
 */
@Configuration(proxyBeanMethods = false)
class IssuerUsers {

	@Bean
	InMemoryUserDetailsManager users(IssuerProperties properties) {
		List<UserDetails> users = properties.users()
			.entrySet()
			.stream()
			.map((entry) -> User.withUsername(entry.getKey())
				.password(entry.getValue().password())
				.roles(entry.getValue().roles().stream().map(String::toUpperCase).toArray(String[]::new))
				.build())
			.toList();
		return new InMemoryUserDetailsManager(users);
	}

}

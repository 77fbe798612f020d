package dev.bus.security;

import java.util.Collection;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.bus.VerifiedPublisher;

/**
 * The publisher of the message a listener is handling, as Spring Security sees it while
 * the listener runs: named by its token's subject, with a {@code SCOPE_<scope>} authority
 * per scope (Spring Security's convention), so
 * {@code @PreAuthorize("hasAuthority('SCOPE_bus.publish:orders.*')")} works on the
 * listener and what it calls. Holds no credentials: the token stays in the message.
 */
public class PublisherAuthentication extends AbstractAuthenticationToken {

	private final VerifiedPublisher publisher;

	public PublisherAuthentication(VerifiedPublisher publisher) {
		super(authorities(publisher));
		this.publisher = publisher;
		setAuthenticated(true);
	}

	private static Collection<GrantedAuthority> authorities(VerifiedPublisher publisher) {
		return publisher.scopes()
			.stream()
			.sorted()
			.<GrantedAuthority>map((scope) -> new SimpleGrantedAuthority("SCOPE_" + scope))
			.toList();
	}

	@Override
	public Object getCredentials() {
		return null;
	}

	/** The verified publisher: subject, scopes and claims. */
	@Override
	public VerifiedPublisher getPrincipal() {
		return this.publisher;
	}

	@Override
	public String getName() {
		return this.publisher.subject();
	}

}

package dev.bus.console.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.bus.console.security.ConsoleSecurity;

/**
 * What every page shows about the person: their name, and whether they get the operator's
 * controls (a viewer gets none; the server refuses their POSTs either way).
 */
@ControllerAdvice
class ConsoleModel {

	@ModelAttribute("user")
	String user(Authentication authentication) {
		return who(authentication);
	}

	@ModelAttribute("operator")
	boolean operator(Authentication authentication) {
		return authentication != null && authentication.getAuthorities()
			.stream()
			.anyMatch((authority) -> ("ROLE_" + ConsoleSecurity.OPERATOR).equals(authority.getAuthority()));
	}

	/** The person, as the audit log names them: their user name, else their subject. */
	static String who(Authentication authentication) {
		if (authentication == null) {
			return null;
		}
		if (authentication.getPrincipal() instanceof OidcUser oidc) {
			return (oidc.getPreferredUsername() != null) ? oidc.getPreferredUsername() : oidc.getSubject();
		}
		return authentication.getName();
	}

}

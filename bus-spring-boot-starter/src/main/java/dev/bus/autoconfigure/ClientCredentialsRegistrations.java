package dev.bus.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * Finds the Spring Security client registration a Bus property names, failing start-up
 * clearly when unusable.
 */
final class ClientCredentialsRegistrations {

	private ClientCredentialsRegistrations() {
	}

	/**
	 * @param id the registration id the property holds
	 * @param property the Bus property, for the error message
	 * @return the registration, which has the client credentials grant
	 * @throws IllegalStateException when there is no such registration or it has another
	 * grant type
	 */
	static ClientRegistration find(String id, ObjectProvider<ClientRegistrationRepository> registrations,
			String property) {
		if (id == null || id.isBlank()) {
			throw new IllegalStateException(property + " is empty: name a Spring Security OAuth2 client registration "
					+ "(spring.security.oauth2.client.registration.<id>.*), or remove the property");
		}
		ClientRegistrationRepository repository = registrations.getIfAvailable();
		ClientRegistration registration = (repository != null) ? repository.findByRegistrationId(id) : null;
		String prefix = "spring.security.oauth2.client.registration." + id + ".";
		if (registration == null) {
			throw new IllegalStateException(property + " names '" + id + "', but there is no such OAuth2 client "
					+ "registration: define " + prefix + "* (client-id, client-secret, authorization-grant-type="
					+ "client_credentials, scope) and the provider's token-uri");
		}
		if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(registration.getAuthorizationGrantType())) {
			throw new IllegalStateException(prefix + "authorization-grant-type must be client_credentials for "
					+ property + ", was " + registration.getAuthorizationGrantType().getValue());
		}
		return registration;
	}

}

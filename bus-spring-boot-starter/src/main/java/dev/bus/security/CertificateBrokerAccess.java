package dev.bus.security;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import dev.bus.transport.BrokerAccess;

/**
 * The broker user of an application that logs in with its client certificate (SASL
 * {@code EXTERNAL}): RabbitMQ names it after the certificate's common name
 * ({@code ssl_cert_login_from = common_name}), so every message carries that as
 * {@code user_id}, which the broker verifies. The broker's permissions for the user are
 * not known here: every publish is sent.
 */
public final class CertificateBrokerAccess implements BrokerAccess {

	private final String userId;

	private CertificateBrokerAccess(String userId) {
		this.userId = userId;
	}

	/**
	 * @param keyStore the key store the client certificate comes from
	 * @return the access of its first key entry's certificate's common name
	 * @throws IllegalStateException when the key store has no certificate with a common
	 * name
	 */
	public static CertificateBrokerAccess of(KeyStore keyStore) {
		try {
			for (String alias : Collections.list(keyStore.aliases())) {
				Certificate certificate = keyStore.getCertificate(alias);
				if (keyStore.isKeyEntry(alias) && certificate instanceof X509Certificate x509) {
					return new CertificateBrokerAccess(commonName(x509));
				}
			}
		}
		catch (KeyStoreException ex) {
			throw new IllegalStateException("cannot read the client certificate: " + ex.getMessage(), ex);
		}
		throw new IllegalStateException("the SSL bundle's key store has no client certificate");
	}

	private static String commonName(X509Certificate certificate) {
		try {
			for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
				if ("CN".equalsIgnoreCase(rdn.getType())) {
					return rdn.getValue().toString();
				}
			}
		}
		catch (InvalidNameException ex) {
			// falls through: no usable common name
		}
		throw new IllegalStateException("the client certificate's subject (" + certificate.getSubjectX500Principal()
				+ ") has no common name, which RabbitMQ would log in as");
	}

	@Override
	public String userId() {
		return this.userId;
	}

	@Override
	public String missingWriteScope(String exchange, String routingKey) {
		return null;
	}

}

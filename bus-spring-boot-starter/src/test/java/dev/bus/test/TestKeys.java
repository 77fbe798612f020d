package dev.bus.test;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/** Keys made for a test: an issuer's, a publisher's, an attacker's. */
public final class TestKeys {

	private TestKeys() {
	}

	/** A new 2048-bit RSA key pair. */
	public static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package dev.bus.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * A signature per message over its id, topic and body digest, made by the publisher's
 * private key and checked by the consumer with the public one: what binding a per-message
 * token to its message with a proof of possession costs the JVM, measured in the raw
 * client apart from the rest of Bus (issue 27). One instance per thread: a
 * {@link Signature} is not thread-safe.
 */
final class MessageProof {

	/** The header the signature travels in. */
	static final String HEADER = "bus-proof";

	private final Signature signature;

	private final MessageDigest digest;

	private final KeyPair keys;

	private MessageProof(String algorithm, KeyPair keys) throws GeneralSecurityException {
		this.signature = Signature.getInstance(algorithm);
		this.digest = MessageDigest.getInstance("SHA-256");
		this.keys = keys;
	}

	/** The publisher's and the consumer's halves, sharing one key pair. */
	static MessageProof[] pair(Kind kind) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.keyAlgorithm);
		if (kind == Kind.ES256) {
			generator.initialize(new ECGenParameterSpec("secp256r1"));
		}
		KeyPair keys = generator.generateKeyPair();
		return new MessageProof[] { new MessageProof(kind.signatureAlgorithm, keys),
				new MessageProof(kind.signatureAlgorithm, keys) };
	}

	byte[] sign(String messageId, String topic, byte[] body) throws GeneralSecurityException {
		this.signature.initSign(this.keys.getPrivate());
		update(messageId, topic, body);
		return this.signature.sign();
	}

	boolean verify(String messageId, String topic, byte[] body, byte[] proof) throws GeneralSecurityException {
		this.signature.initVerify(this.keys.getPublic());
		update(messageId, topic, body);
		return this.signature.verify(proof);
	}

	private void update(String messageId, String topic, byte[] body) throws GeneralSecurityException {
		this.signature.update(messageId.getBytes(StandardCharsets.UTF_8));
		this.signature.update((byte) 0);
		this.signature.update(topic.getBytes(StandardCharsets.UTF_8));
		this.signature.update((byte) 0);
		this.signature.update(this.digest.digest(body));
	}

	/** The signature algorithms measured. */
	enum Kind {

		ES256("EC", "SHA256withECDSA"), ED25519("Ed25519", "Ed25519");

		final String keyAlgorithm;

		final String signatureAlgorithm;

		Kind(String keyAlgorithm, String signatureAlgorithm) {
			this.keyAlgorithm = keyAlgorithm;
			this.signatureAlgorithm = signatureAlgorithm;
		}

	}

}

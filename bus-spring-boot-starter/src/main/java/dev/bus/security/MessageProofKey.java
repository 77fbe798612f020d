package dev.bus.security;

import java.net.URI;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * The key pair this application's per-message tokens are bound to (RFC 9449, DPoP): made
 * at start-up, held in memory only, never written anywhere. The issuer binds each token
 * to its public key ({@code cnf.jkt}, the key's JWK SHA-256 thumbprint) when the token
 * request carries a DPoP proof made with it, and every message proof is signed with it,
 * so a token read off a message is worthless without the private key.
 *
 * <p>
 * Why RSA (PS256) and not the smaller EC (ES256): a listener verifies one proof per burst
 * of messages and a publisher signs one, and on JDK 17 an RS/PS256 verification costs
 * about a tenth of an ES256 one (measured with Nimbus 10.4 on this project's 2-core
 * machine: PS256 sign 1.3-2.0 ms, verify 0.09-0.13 ms; ES256 sign 0.8-1.6 ms, verify
 * 1.7-1.9 ms). A topic has more listeners than publishers, and the proof's extra bytes
 * (about 700 more than ES256's) cost less than the CPU (docs/BENCHMARKS.md). Ed25519 is
 * not a DPoP algorithm Spring Authorization Server accepts.
 */
public final class MessageProofKey {

	/**
	 * The JWS type of a message proof: never a DPoP proof for HTTP ({@code dpop+jwt}),
	 * nor the other way round.
	 */
	public static final JOSEObjectType PROOF_TYPE = new JOSEObjectType("bus-proof+jwt");

	static final JWSAlgorithm ALGORITHM = JWSAlgorithm.PS256;

	private static final JOSEObjectType DPOP_TYPE = new JOSEObjectType("dpop+jwt");

	private final RSAKey publicKey;

	private final String thumbprint;

	private final JWSSigner signer;

	private final Clock clock;

	private MessageProofKey(RSAKey key, Clock clock) throws JOSEException {
		this.publicKey = key.toPublicJWK();
		this.thumbprint = key.computeThumbprint().toString();
		this.signer = new RSASSASigner(key);
		this.clock = clock;
	}

	/** A new 2048-bit RSA key pair. */
	public static MessageProofKey generate(Clock clock) {
		try {
			return new MessageProofKey(new RSAKeyGenerator(2048).generate(), clock);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot make the key per-message tokens are bound to", ex);
		}
	}

	/**
	 * The public key's JWK SHA-256 thumbprint (RFC 7638), which a bound token names in
	 * {@code cnf.jkt}.
	 */
	public String thumbprint() {
		return this.thumbprint;
	}

	/**
	 * A DPoP proof (RFC 9449, 4.2) for one token request: {@code POST} to
	 * {@code tokenUri}, now, a fresh id.
	 */
	public String tokenRequestProof(URI tokenUri) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", "POST")
			.claim("htu", tokenUri.toString())
			.issueTime(Date.from(this.clock.instant()))
			.build();
		return sign(DPOP_TYPE, new Payload(claims.toJSONObject()));
	}

	/**
	 * A message proof: signed claims under the {@code bus-proof+jwt} type, the public key
	 * in its header.
	 */
	String sign(JWTClaimsSet claims) {
		return sign(PROOF_TYPE, new Payload(claims.toJSONObject()));
	}

	private String sign(JOSEObjectType type, Payload payload) {
		JWSObject jws = new JWSObject(new JWSHeader.Builder(ALGORITHM).type(type).jwk(this.publicKey).build(), payload);
		try {
			jws.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign with the key per-message tokens are bound to", ex);
		}
		return jws.serialize();
	}

	Clock clock() {
		return this.clock;
	}

	@Override
	public String toString() {
		return "MessageProofKey[thumbprint=" + this.thumbprint + "]";
	}

}

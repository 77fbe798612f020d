package dev.bus.security;

import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;
import dev.bus.core.ProofTree;

/**
 * Checks message proofs ({@link MessageProofSigner}): the signature, with the public key
 * the proof carries (as a DPoP proof does), of the RSA or EC algorithms RFC 9449 names;
 * the {@code bus-proof+jwt} type, so that no other JWT passes for one; and the claims. A
 * proof covers a burst of messages, so its result, good or bad, is remembered (up to
 * {@value #MAX_REMEMBERED} proofs) and its signature checked once; what ties it to one
 * message (the token's hash, the key the token is bound to, the message's place in the
 * tree, the times) is checked by {@link #check} every time.
 *
 * <p>
 * Failure details name what is wrong, never the token or the proof.
 */
public class MessageProofVerifier {

	/** The claim holding the token's SHA-256 (RFC 9449's {@code ath}). */
	static final String TOKEN_HASH = "ath";

	/** The claim holding the {@link ProofTree}'s root, base64url. */
	static final String ROOT = "root";

	/** The claim holding the tree's number of leaves. */
	static final String LEAVES = "leaves";

	static final int MAX_REMEMBERED = 10_000;

	private final Map<String, Object> remembered = new ConcurrentHashMap<>();

	private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

	/**
	 * The last token's digest: a publisher sends one token with many messages, so it is
	 * hashed once, not each time.
	 */
	private volatile TokenDigest lastToken = new TokenDigest("", new byte[0]);

	/**
	 * Checks that {@code proof} proves the message whose leaf is {@code leaf}, carried
	 * with {@code token} (bound to the key with thumbprint {@code boundKey}).
	 * @param path the message's {@code bus-proof-path}
	 * @return when the proof was made ({@code iat}), which the caller judges the token's
	 * validity at
	 * @throws MessageRejectedException {@code unauthenticated} when it does not prove it
	 */
	public Instant check(String proof, String path, String token, String boundKey, byte[] leaf) {
		Object known = this.remembered.get(proof);
		if (known == null) {
			known = verify(proof);
			if (this.remembered.size() >= MAX_REMEMBERED) {
				// A proof covers one burst: forgetting them all costs one check per burst
				// still in flight.
				this.remembered.clear();
			}
			this.remembered.put(proof, known);
		}
		if (!(known instanceof Proof verified)) {
			throw unauthenticated((String) known);
		}
		if (!verified.keyThumbprint.equals(boundKey)) {
			throw unauthenticated("the message proof is signed with another key than the one its token is bound to");
		}
		if (!MessageDigest.isEqual(verified.tokenHash, digestOf(token))) {
			throw unauthenticated("the message proof was made for another token");
		}
		if (path == null) {
			throw unauthenticated("the message has a proof and no bus-proof-path");
		}
		byte[] root;
		try {
			root = ProofTree.rootFrom(leaf, path, verified.leaves);
		}
		catch (IllegalArgumentException ex) {
			throw unauthenticated("the message's proof path is not valid: " + ex.getMessage());
		}
		if (!MessageDigest.isEqual(root, verified.root)) {
			throw unauthenticated("the message proof does not cover this message (its id, topic or body differ from "
					+ "what the publisher signed)");
		}
		return verified.issuedAt;
	}

	/** A verified proof, or why it does not verify. */
	private Object verify(String proof) {
		try {
			SignedJWT jwt = SignedJWT.parse(proof);
			JWSHeader header = jwt.getHeader();
			if (!MessageProofKey.PROOF_TYPE.equals(header.getType())) {
				return "the message proof is not of type bus-proof+jwt";
			}
			JWSAlgorithm algorithm = header.getAlgorithm();
			if (!JWSAlgorithm.Family.RSA.contains(algorithm) && !JWSAlgorithm.Family.EC.contains(algorithm)) {
				return "the message proof's algorithm " + algorithm + " is not an RSA or EC signature";
			}
			JWK jwk = header.getJWK();
			if (!(jwk instanceof AsymmetricJWK asymmetric) || jwk.isPrivate()) {
				return "the message proof carries no public key";
			}
			JWSVerifier verifier = this.verifiers.createJWSVerifier(header, asymmetric.toPublicKey());
			if (!jwt.verify(verifier)) {
				return "the message proof's signature does not verify";
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			Object leaves = claims.getClaim(LEAVES);
			String root = claims.getStringClaim(ROOT);
			String tokenHash = claims.getStringClaim(TOKEN_HASH);
			if (claims.getIssueTime() == null || root == null || tokenHash == null || !(leaves instanceof Number)) {
				return "the message proof lacks iat, root, ath or leaves";
			}
			return new Proof(jwk.computeThumbprint().toString(), Base64.getUrlDecoder().decode(tokenHash),
					Base64.getUrlDecoder().decode(root), ((Number) leaves).intValue(),
					claims.getIssueTime().toInstant());
		}
		catch (ParseException | JOSEException | IllegalArgumentException | ClassCastException ex) {
			return "the message proof is malformed: " + ex.getClass().getSimpleName();
		}
	}

	private byte[] digestOf(String token) {
		TokenDigest last = this.lastToken;
		if (!last.token().equals(token)) {
			last = new TokenDigest(token, MessageProofSigner.tokenDigest(token));
			this.lastToken = last;
		}
		return last.digest();
	}

	private static MessageRejectedException unauthenticated(String detail) {
		return new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), detail);
	}

	private record TokenDigest(String token, byte[] digest) {
	}

	private record Proof(String keyThumbprint, byte[] tokenHash, byte[] root, int leaves, Instant issuedAt) {
	}

}

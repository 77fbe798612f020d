package dev.bus.security;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;

/**
 * Checks a per-message token's signature (the issuer's key set), issuer and audience,
 * once per token: a steady publisher sends one token with many messages, so the result,
 * good or bad, is remembered (up to {@value #MAX_REMEMBERED} tokens) and the signature is
 * checked once per token, not per message. What depends on the message (when it was sent,
 * who the broker says sent it, its topic) is checked by the caller every time.
 *
 * <p>
 * Failure details name what is wrong, never the token.
 */
public class MessageTokenVerifier {

	static final int MAX_REMEMBERED = 10_000;

	private final JwtDecoder decoder;

	private final Map<String, Object> remembered = new ConcurrentHashMap<>();

	/**
	 * @param decoder a decoder that checks signature, issuer and audience, and not expiry
	 * (which is judged against the time a message was sent)
	 */
	public MessageTokenVerifier(JwtDecoder decoder) {
		this.decoder = decoder;
	}

	/**
	 * A verifier on {@code decoder} (the issuer's key set) that checks the issuer and the
	 * audience, and not expiry, which is judged against the time a message's proof was
	 * made.
	 */
	public static MessageTokenVerifier of(NimbusJwtDecoder decoder, String issuer, String audience) {
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(issuer),
				new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
						(audiences) -> audiences != null && audiences.contains(audience))));
		return new MessageTokenVerifier(decoder);
	}

	/**
	 * @return the verified token
	 * @throws MessageRejectedException {@code unauthenticated} when it does not verify
	 */
	public Jwt verify(String token) {
		Object known = this.remembered.get(token);
		if (known == null) {
			known = decode(token);
			if (this.remembered.size() >= MAX_REMEMBERED) {
				// Tokens are replaced every few minutes: forgetting them all costs one
				// check per live publisher.
				this.remembered.clear();
			}
			this.remembered.put(token, known);
		}
		if (known instanceof Jwt jwt) {
			return jwt;
		}
		throw new MessageRejectedException(FailureReason.UNAUTHENTICATED.code(), (String) known);
	}

	/**
	 * A verified token, or why it does not verify. Other failures (the key set
	 * unreachable) propagate.
	 */
	private Object decode(String token) {
		try {
			return this.decoder.decode(token);
		}
		catch (JwtValidationException ex) {
			StringBuilder why = new StringBuilder("the per-message token is not valid:");
			ex.getErrors().forEach((error) -> why.append(' ').append(error.getDescription()));
			return why.toString();
		}
		catch (BadJwtException ex) {
			return "the per-message token does not verify against the issuer's keys: " + ex.getMessage();
		}
	}

}

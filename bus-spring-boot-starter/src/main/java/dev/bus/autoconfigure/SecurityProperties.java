package dev.bus.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.positive;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/** Message security. */
public class SecurityProperties {

	private final Encryption encryption = new Encryption();

	private final BrokerToken brokerToken = new BrokerToken();

	private final MessageToken messageToken = new MessageToken();

	/**
	 * Whether the application logs in to RabbitMQ with its TLS client certificate (SASL
	 * EXTERNAL; RabbitMQ's rabbitmq_auth_mechanism_ssl) instead of a password. Needs
	 * spring.rabbitmq.ssl with a client certificate; every message then carries the
	 * certificate's common name as user_id.
	 */
	private boolean certificateLogin;

	public boolean isCertificateLogin() {
		return this.certificateLogin;
	}

	public void setCertificateLogin(boolean certificateLogin) {
		this.certificateLogin = certificateLogin;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	public BrokerToken getBrokerToken() {
		return this.brokerToken;
	}

	public MessageToken getMessageToken() {
		return this.messageToken;
	}

	/** Checks the values at binding time, under {@code bus.security}. */
	void validate(Errors errors) {
		positive(errors, "encryption.reloadInterval", getEncryption().getReloadInterval());
		positive(errors, "brokerToken.timeout", getBrokerToken().getTimeout());
		if (!StringUtils.hasText(getBrokerToken().getResourceServerId())) {
			reject(errors, "brokerToken.resourceServerId", "empty", "must not be empty");
		}
		MessageToken messageToken = getMessageToken();
		positive(errors, "messageToken.timeout", messageToken.getTimeout());
		if (messageToken.getClockSkew() == null || messageToken.getClockSkew().isNegative()
				|| messageToken.getClockSkew().compareTo(Duration.ofMinutes(5)) > 0) {
			reject(errors, "messageToken.clockSkew", "range", "must be between 0 and 5m");
		}
	}

	/**
	 * Authentication to RabbitMQ with OAuth2 client-credentials tokens (RabbitMQ's OAuth2
	 * backend), obtained with a Spring Security client registration and refreshed on the
	 * live connections before they expire.
	 */
	public static class BrokerToken {

		/**
		 * Id of the {@code spring.security.oauth2.client.registration.<id>} (grant type
		 * client_credentials) whose tokens are the AMQP password. Set, the token's
		 * subject is the broker user and every message carries it as {@code user_id}.
		 */
		private String registration;

		/**
		 * RabbitMQ's {@code auth_oauth2.resource_server_id}: the prefix of the token's
		 * RabbitMQ scopes, from which Bus tells in advance which topics the broker will
		 * accept.
		 */
		private String resourceServerId = "rabbitmq";

		/** Connect and read timeout of each call to the token endpoint. */
		private Duration timeout = Duration.ofSeconds(5);

		public String getRegistration() {
			return this.registration;
		}

		public void setRegistration(String registration) {
			this.registration = registration;
		}

		public String getResourceServerId() {
			return this.resourceServerId;
		}

		public void setResourceServerId(String resourceServerId) {
			this.resourceServerId = resourceServerId;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * End-to-end payload encryption (AES-256-GCM, Tink keysets): the payload of every
	 * message on a listed topic pattern is encrypted by the publisher and decrypted by
	 * listeners; headers stay in clear.
	 */
	public static class Encryption {

		/**
		 * Encrypted topic patterns and their keysets, the first matching pattern
		 * deciding.
		 */
		private List<EncryptedTopics> topics = new ArrayList<>();

		/**
		 * Whether listeners accept messages in clear on encrypted topics: only while the
		 * publishers of a topic migrate to encryption. Off, such messages go to the
		 * dead-letter queue.
		 */
		private boolean allowCleartext = false;

		/**
		 * How often the keyset files are read again, so that a rotation (a changed
		 * mounted secret) takes effect without a restart. A changed file that is not a
		 * usable keyset is refused and the last good one kept.
		 */
		private Duration reloadInterval = Duration.ofSeconds(30);

		public Duration getReloadInterval() {
			return this.reloadInterval;
		}

		public void setReloadInterval(Duration reloadInterval) {
			this.reloadInterval = reloadInterval;
		}

		public List<EncryptedTopics> getTopics() {
			return this.topics;
		}

		public void setTopics(List<EncryptedTopics> topics) {
			this.topics = topics;
		}

		public boolean isAllowCleartext() {
			return this.allowCleartext;
		}

		public void setAllowCleartext(boolean allowCleartext) {
			this.allowCleartext = allowCleartext;
		}

	}

	/**
	 * Per-message tokens: on the listed topics, publishers attach a client-credentials
	 * token for the bus (not the broker) to every message, and every listener verifies it
	 * before anything else sees the message.
	 */
	public static class MessageToken {

		/**
		 * Topic patterns whose messages carry a token: publishers attach one, listeners
		 * refuse messages without a valid one (to the dead-letter queue as
		 * {@code unauthenticated} or {@code forbidden}).
		 */
		private List<String> topics = new ArrayList<>();

		/**
		 * Id of the {@code spring.security.oauth2.client.registration.<id>} (grant type
		 * client_credentials, same client as the broker token, scopes
		 * {@code bus.publish:<topic pattern>}) whose tokens publishers attach.
		 */
		private String registration;

		/**
		 * The issuer every token must come from (its {@code iss}); required on listeners.
		 */
		private String issuerUri;

		/**
		 * The issuer's JSON Web Key Set, which token signatures are checked against;
		 * required on listeners ({@code <issuer>/oauth2/jwks} for Spring Authorization
		 * Server).
		 */
		private String jwkSetUri;

		/**
		 * The audience every token must be for: the bus, never the broker, so it cannot
		 * be replayed there.
		 */
		private String audience = "bus";

		/**
		 * Whether every token is bound to its publisher's key (RFC 9449 DPoP,
		 * {@code cnf.jkt}) and comes with a proof, made with that key, that covers the
		 * message's id, topic and body. Listeners refuse bearer tokens as
		 * {@code unauthenticated}; publishers bind their tokens and prove every message,
		 * and fail to publish when the issuer did not bind the token. Off, publishers
		 * send bearer tokens without proofs and listeners accept them (a bound token
		 * still needs its proof): a bearer token read off one message can then be sent
		 * with any other by whoever holds the publisher's broker credentials, until it
		 * expires.
		 */
		private boolean requireProof = true;

		/** Tolerated clock difference between publishers, the issuer and listeners. */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Connect and read timeout of each call to the token endpoint and the key set.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public List<String> getTopics() {
			return this.topics;
		}

		public void setTopics(List<String> topics) {
			this.topics = topics;
		}

		public String getRegistration() {
			return this.registration;
		}

		public void setRegistration(String registration) {
			this.registration = registration;
		}

		public String getIssuerUri() {
			return this.issuerUri;
		}

		public void setIssuerUri(String issuerUri) {
			this.issuerUri = issuerUri;
		}

		public String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public String getAudience() {
			return this.audience;
		}

		public void setAudience(String audience) {
			this.audience = audience;
		}

		public boolean isRequireProof() {
			return this.requireProof;
		}

		public void setRequireProof(boolean requireProof) {
			this.requireProof = requireProof;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** Topics encrypted with one keyset. */
	public static class EncryptedTopics {

		/** Topic pattern ({@code payments.*}, {@code #} for all). */
		private String pattern;

		/**
		 * Location of the Tink AEAD keyset in Tink's JSON form
		 * ({@code file:/etc/bus/keys/payments.json}, {@code classpath:}...), as a
		 * Kubernetes secret mounts it.
		 */
		private String keyset;

		/**
		 * URI of the key the keyset file is encrypted under (Tink's encrypted keyset
		 * form): {@code keyset-file:} and a location for a key-encryption keyset kept
		 * apart, or a KMS key URI such as {@code gcp-kms://...} served by a Tink
		 * {@code KmsClient} bean. Unset, the keyset file is in clear.
		 */
		private String keyEncryptionKey;

		public String getKeyEncryptionKey() {
			return this.keyEncryptionKey;
		}

		public void setKeyEncryptionKey(String keyEncryptionKey) {
			this.keyEncryptionKey = keyEncryptionKey;
		}

		public String getPattern() {
			return this.pattern;
		}

		public void setPattern(String pattern) {
			this.pattern = pattern;
		}

		public String getKeyset() {
			return this.keyset;
		}

		public void setKeyset(String keyset) {
			this.keyset = keyset;
		}

	}

}

package dev.bus.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.bus.core.CloudEventsHeaders;
import dev.bus.core.routing.RuleSet;
import dev.bus.listener.BusListenerRegistry;

/**
 * Configuration of Bus, under {@code bus.*}. Connection settings come from Spring Boot's {@code spring.rabbitmq.*}.
 */
@ConfigurationProperties("bus")
public class BusProperties implements Validator {

	/**
	 * Name of the durable topic exchange every topic is published to. Point it at an existing topic exchange to
	 * share it with other AMQP clients.
	 */
	private String exchange = "bus";

	/**
	 * CloudEvents source of published messages (the AMQP {@code app_id}); defaults to
	 * {@code /<spring.application.name>}.
	 */
	private String source;

	private final Publisher publisher = new Publisher();

	private final Listener listener = new Listener();

	private final Inbox inbox = new Inbox();

	private final Outbox outbox = new Outbox();

	private final Sidecar sidecarClient = new Sidecar();

	private final Tracing tracing = new Tracing();

	private final Metrics metrics = new Metrics();

	private final Routing routing = new Routing();

	private final Security security = new Security();

	private final AsyncApi asyncapi = new AsyncApi();

	private final Topology topology = new Topology();

	public Topology getTopology() {
		return this.topology;
	}

	public AsyncApi getAsyncapi() {
		return this.asyncapi;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Sidecar getSidecarClient() {
		return this.sidecarClient;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public Inbox getInbox() {
		return this.inbox;
	}

	public String getExchange() {
		return this.exchange;
	}

	public void setExchange(String exchange) {
		this.exchange = exchange;
	}

	public String getSource() {
		return this.source;
	}

	public void setSource(String source) {
		this.source = source;
	}

	public Publisher getPublisher() {
		return this.publisher;
	}

	public Listener getListener() {
		return this.listener;
	}

	@Override
	public boolean supports(Class<?> type) {
		return BusProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks values at binding time, so a bad value fails start-up with the property's name rather than later
	 * with a confusing broker error.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		BusProperties properties = (BusProperties) target;
		if (!StringUtils.hasText(properties.getExchange())) {
			reject(errors, "exchange", "empty", "must not be empty");
		}
		Publisher publisher = properties.getPublisher();
		positive(errors, "publisher.confirmTimeout", publisher.getConfirmTimeout());
		positive(errors, "publisher.maxMessageSize", publisher.getMaxMessageSize());
		Batching batching = publisher.getBatching();
		if (batching.isEnabled() && (batching.getMaxSize() == null || batching.getMaxSize().toBytes() < 1024
				|| batching.getMaxSize().toBytes() > publisher.getMaxMessageSize().toBytes())) {
			reject(errors, "publisher.batching.maxSize", "range",
					"must be between 1KB and bus.publisher.max-message-size");
		}
		atLeast(errors, "publisher.batching.maxMessages", batching.getMaxMessages(), 1);
		if (batching.getLinger() == null || batching.getLinger().isNegative()) {
			reject(errors, "publisher.batching.linger", "negative", "must not be negative");
		}
		Listener listener = properties.getListener();
		try {
			BusListenerRegistry.Concurrency.parse(listener.getConcurrency());
		}
		catch (IllegalArgumentException ex) {
			reject(errors, "listener.concurrency", "format", ex.getMessage());
		}
		atLeast(errors, "listener.prefetch", listener.getPrefetch(), 1);
		atLeast(errors, "listener.deliveryLimit", listener.getDeliveryLimit(), 1);
		atLeast(errors, "listener.failureMessageMaxLength", listener.getFailureMessageMaxLength(), 0);
		positive(errors, "listener.maxMessageSize", listener.getMaxMessageSize());
		positive(errors, "listener.recoveryInterval", listener.getRecoveryInterval());
		positive(errors, "listener.healthCheckInterval", listener.getHealthCheckInterval());
		atLeast(errors, "listener.messagesPerAck", listener.getMessagesPerAck(), 1);
		positive(errors, "listener.ackTimeout", listener.getAckTimeout());
		atLeast(errors, "inbox.maxEntries", properties.getInbox().getMaxEntries(), 1);
		positive(errors, "inbox.retention", properties.getInbox().getRetention());
		if (!List.of("memory", "jdbc").contains(properties.getInbox().getStore())) {
			reject(errors, "inbox.store", "value", "must be 'memory' or 'jdbc'");
		}
		positive(errors, "inbox.jdbc.cleanupInterval", properties.getInbox().getJdbc().getCleanupInterval());
		positive(errors, "outbox.pollInterval", properties.getOutbox().getPollInterval());
		atLeast(errors, "outbox.batchSize", properties.getOutbox().getBatchSize(), 1);
		Retry retry = listener.getRetry();
		atLeast(errors, "listener.retry.maxAttempts", retry.getMaxAttempts(), 1);
		positive(errors, "listener.retry.initialInterval", retry.getInitialInterval());
		positive(errors, "listener.retry.maxInterval", retry.getMaxInterval());
		if (retry.getMultiplier() < 1.0) {
			reject(errors, "listener.retry.multiplier", "min", "must be at least 1");
		}
		if (listener.getShutdownTimeout() == null || listener.getShutdownTimeout().isNegative()) {
			reject(errors, "listener.shutdownTimeout", "negative", "must not be negative");
		}
		Sidecar sidecar = properties.getSidecarClient();
		if (sidecar.getUrl() != null) {
			URI url = sidecar.getUrl();
			if (!"http".equals(url.getScheme()) || url.getHost() == null) {
				reject(errors, "sidecarClient.url", "format", "must be an http URL such as http://127.0.0.1:4040");
			}
		}
		positive(errors, "sidecarClient.timeout", sidecar.getTimeout());
		positive(errors, "sidecarClient.maintenanceInterval", sidecar.getMaintenanceInterval());
		double probability = properties.getTracing().getSamplingProbability();
		if (probability < 0 || probability > 1) {
			reject(errors, "tracing.samplingProbability", "range", "must be between 0 and 1");
		}
		URI otlp = properties.getTracing().getOtlpEndpoint();
		if (otlp != null && (!List.of("http", "https").contains(otlp.getScheme()) || otlp.getHost() == null)) {
			reject(errors, "tracing.otlpEndpoint", "format",
					"must be an http(s) URL such as http://127.0.0.1:4318/v1/traces");
		}
		positive(errors, "sidecarClient.wait", sidecar.getWait());
		if (!CloudEventsHeaders.PREFIXES.contains(properties.getPublisher().getCloudEvents().getPrefix())) {
			reject(errors, "publisher.cloudEvents.prefix", "unknown",
					"must be one of " + String.join(", ", CloudEventsHeaders.PREFIXES));
		}
		atLeast(errors, "metrics.maxTopics", properties.getMetrics().getMaxTopics(), 1);
		positive(errors, "security.encryption.reloadInterval", properties.getSecurity().getEncryption().getReloadInterval());
		positive(errors, "security.brokerToken.timeout", properties.getSecurity().getBrokerToken().getTimeout());
		MessageToken messageToken = properties.getSecurity().getMessageToken();
		positive(errors, "security.messageToken.timeout", messageToken.getTimeout());
		if (messageToken.getClockSkew() == null || messageToken.getClockSkew().isNegative()
				|| messageToken.getClockSkew().compareTo(Duration.ofMinutes(5)) > 0) {
			reject(errors, "security.messageToken.clockSkew", "range", "must be between 0 and 5m");
		}
		if (!StringUtils.hasText(properties.getSecurity().getBrokerToken().getResourceServerId())) {
			reject(errors, "security.brokerToken.resourceServerId", "empty", "must not be empty");
		}
	}

	/**
	 * Rejects a field with a message that names the property as users write it ({@code bus.listener.max-message-size}),
	 * whether or not it was set: Boot's own report names only properties bound from a source, and in camel case.
	 */
	private static void reject(Errors errors, String field, String code, String message) {
		String property = "bus." + field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
		errors.rejectValue(field, code, property + " " + message);
	}

	private static void positive(Errors errors, String field, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			reject(errors, field, "positive", "must be positive");
		}
	}

	private static void positive(Errors errors, String field, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			reject(errors, field, "positive", "must be positive");
		}
	}

	private static void atLeast(Errors errors, String field, int value, int minimum) {
		if (value < minimum) {
			reject(errors, field, "min", "must be at least " + minimum);
		}
	}

	/**
	 * Routing rules applied at publish time in this app. Rule sets from the sidecar (Consul KV) come on top of these;
	 * an invalid rule set fails start-up with its problems.
	 */
	/** The application's AsyncAPI document ({@code /actuator/asyncapi}). */
	public static class AsyncApi {

		/** Title of the document; defaults to {@code spring.application.name}. */
		private String title;

		/** Version of the application's contract. */
		private String version = "1.0.0";

		/** What the application does, for the teams that read its contract. */
		private String description;

		/**
		 * File the document is written to once the context has refreshed, for a build step (run the app with
		 * {@code -Dspring.context.exit=onRefresh}); none by default.
		 */
		private Path writeTo;

		public String getTitle() {
			return this.title;
		}

		public void setTitle(String title) {
			this.title = title;
		}

		public String getVersion() {
			return this.version;
		}

		public void setVersion(String version) {
			this.version = version;
		}

		public String getDescription() {
			return this.description;
		}

		public void setDescription(String description) {
			this.description = description;
		}

		public Path getWriteTo() {
			return this.writeTo;
		}

		public void setWriteTo(Path writeTo) {
			this.writeTo = writeTo;
		}

	}

	public static class Routing {

		/**
		 * Rule sets, each with a name, a version and rules: name, topic (pattern), when (an optional condition in
		 * the listener filters' language), action (redirect, copy, split, reject), to (target topics), weights
		 * (split), reason (reject).
		 */
		private List<RuleSet> ruleSets = new ArrayList<>();

		public List<RuleSet> getRuleSets() {
			return this.ruleSets;
		}

		public void setRuleSets(List<RuleSet> ruleSets) {
			this.ruleSets = ruleSets;
		}

	}

	/** Message security. */
	public static class Security {

		private final Encryption encryption = new Encryption();

		private final BrokerToken brokerToken = new BrokerToken();

		private final MessageToken messageToken = new MessageToken();

		/**
		 * Whether the application logs in to RabbitMQ with its TLS client certificate (SASL EXTERNAL; RabbitMQ's
		 * rabbitmq_auth_mechanism_ssl) instead of a password. Needs spring.rabbitmq.ssl with a client certificate;
		 * every message then carries the certificate's common name as user_id.
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

	}

	/**
	 * Authentication to RabbitMQ with OAuth2 client-credentials tokens (RabbitMQ's OAuth2 backend), obtained with
	 * a Spring Security client registration and refreshed on the live connections before they expire.
	 */
	public static class BrokerToken {

		/**
		 * Id of the {@code spring.security.oauth2.client.registration.<id>} (grant type client_credentials) whose
		 * tokens are the AMQP password. Set, the token's subject is the broker user and every message carries it
		 * as {@code user_id}.
		 */
		private String registration;

		/**
		 * RabbitMQ's {@code auth_oauth2.resource_server_id}: the prefix of the token's RabbitMQ scopes, from which
		 * Bus tells in advance which topics the broker will accept.
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
	 * End-to-end payload encryption (AES-256-GCM, Tink keysets): the payload of every message on a listed topic
	 * pattern is encrypted by the publisher and decrypted by listeners; headers stay in clear.
	 */
	public static class Encryption {

		/** Encrypted topic patterns and their keysets, the first matching pattern deciding. */
		private List<EncryptedTopics> topics = new ArrayList<>();

		/**
		 * Whether listeners accept messages in clear on encrypted topics: only while the publishers of a topic
		 * migrate to encryption. Off, such messages go to the dead-letter queue.
		 */
		private boolean allowCleartext = false;

		/**
		 * How often the keyset files are read again, so that a rotation (a changed mounted secret) takes effect
		 * without a restart. A changed file that is not a usable keyset is refused and the last good one kept.
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
	 * Per-message tokens: on the listed topics, publishers attach a client-credentials token for the bus (not the
	 * broker) to every message, and every listener verifies it before anything else sees the message.
	 */
	public static class MessageToken {

		/**
		 * Topic patterns whose messages carry a token: publishers attach one, listeners refuse messages without
		 * a valid one (to the dead-letter queue as {@code unauthenticated} or {@code forbidden}).
		 */
		private List<String> topics = new ArrayList<>();

		/**
		 * Id of the {@code spring.security.oauth2.client.registration.<id>} (grant type client_credentials, same
		 * client as the broker token, scopes {@code bus.publish:<topic pattern>}) whose tokens publishers attach.
		 */
		private String registration;

		/** The issuer every token must come from (its {@code iss}); required on listeners. */
		private String issuerUri;

		/**
		 * The issuer's JSON Web Key Set, which token signatures are checked against; required on listeners
		 * ({@code <issuer>/oauth2/jwks} for Spring Authorization Server).
		 */
		private String jwkSetUri;

		/** The audience every token must be for: the bus, never the broker, so it cannot be replayed there. */
		private String audience = "bus";

		/**
		 * Whether every token is bound to its publisher's key (RFC 9449 DPoP, {@code cnf.jkt}) and comes with a
		 * proof, made with that key, that covers the message's id, topic and body. Listeners refuse bearer tokens as
		 * {@code unauthenticated}; publishers bind their tokens and prove every message, and fail to publish when
		 * the issuer did not bind the token. Off, publishers send bearer tokens without proofs and listeners accept
		 * them (a bound token still needs its proof): a bearer token read off one message can then be sent with any
		 * other by whoever holds the publisher's broker credentials, until it expires.
		 */
		private boolean requireProof = true;

		/** Tolerated clock difference between publishers, the issuer and listeners. */
		private Duration clockSkew = Duration.ofSeconds(30);

		/** Connect and read timeout of each call to the token endpoint and the key set. */
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
		 * Location of the Tink AEAD keyset in Tink's JSON form ({@code file:/etc/bus/keys/payments.json},
		 * {@code classpath:}...), as a Kubernetes secret mounts it.
		 */
		private String keyset;

		/**
		 * URI of the key the keyset file is encrypted under (Tink's encrypted keyset form): {@code keyset-file:}
		 * and a location for a key-encryption keyset kept apart, or a KMS key URI such as {@code gcp-kms://...}
		 * served by a Tink {@code KmsClient} bean. Unset, the keyset file is in clear.
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

	/** Micrometer metrics. */
	public static class Metrics {

		/**
		 * Most distinct values of the {@code topic} tag on Bus's meters; messages on further topics are counted
		 * under {@code topic=other}, so topics built from data cannot grow the registry without bound.
		 */
		private int maxTopics = 200;

		public int getMaxTopics() {
			return this.maxTopics;
		}

		public void setMaxTopics(int maxTopics) {
			this.maxTopics = maxTopics;
		}

	}

	/** Publishing. */
	public static class Publisher {

		/**
		 * How long a publish waits for the broker's confirm before its future fails with a timeout. Checked every
		 * tenth of this (at most every second), so the failure comes up to 10% later.
		 */
		private Duration confirmTimeout = Duration.ofSeconds(10);

		/**
		 * Largest serialised message the publisher sends; larger ones fail before reaching the broker.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * Whether messages are published persistent (delivery mode 2), surviving a broker restart in durable queues.
		 * Turn off only for data that may be lost, such as frequent telemetry.
		 */
		private boolean persistent = true;

		private final Batching batching = new Batching();

		private final CloudEvents cloudEvents = new CloudEvents();

		public CloudEvents getCloudEvents() {
			return this.cloudEvents;
		}

		public boolean isPersistent() {
			return this.persistent;
		}

		public void setPersistent(boolean persistent) {
			this.persistent = persistent;
		}

		public Duration getConfirmTimeout() {
			return this.confirmTimeout;
		}

		public void setConfirmTimeout(Duration confirmTimeout) {
			this.confirmTimeout = confirmTimeout;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public Batching getBatching() {
			return this.batching;
		}

	}

	/**
	 * CloudEvents attributes as headers too, for consumers that read CloudEvents from headers rather than from the
	 * AMQP properties where Bus puts each attribute once.
	 */
	public static class CloudEvents {

		/**
		 * Whether published messages also carry the CloudEvents attributes as headers (id, source, type,
		 * specversion, time with milliseconds, subject), about 150 bytes more per message, which a quorum queue
		 * writes to its log with the message.
		 */
		private boolean headers = false;

		/**
		 * Prefix of those headers: {@code ce-} (the CloudEvents SDK's Spring messaging converter), {@code ce_} (the
		 * Kafka binding, Spring Cloud Function's default, and Bus's envelope before it went compact),
		 * {@code cloudEvents:} or {@code cloudEvents_} (the CloudEvents AMQP binding). Listeners read all four.
		 */
		private String prefix = "ce-";

		public boolean isHeaders() {
			return this.headers;
		}

		public void setHeaders(boolean headers) {
			this.headers = headers;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

	}

	/** Opt-in batching: many small messages to one topic packed into one AMQP message. */
	public static class Batching {

		/**
		 * Whether the auto-configured BusPublisher packs messages into batches. Listeners unpack batches whether or
		 * not this is on.
		 */
		private boolean enabled = false;

		/**
		 * Upper bound of one batch message's body; a batch is sent as soon as the next message would exceed it.
		 * The default keeps a batch within a few network packets.
		 */
		private DataSize maxSize = DataSize.ofKilobytes(32);

		/**
		 * Most logical messages in one batch.
		 */
		private int maxMessages = 500;

		/**
		 * How long the first message of a batch may wait for others before the batch is sent.
		 */
		private Duration linger = Duration.ofMillis(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public int getMaxMessages() {
			return this.maxMessages;
		}

		public void setMaxMessages(int maxMessages) {
			this.maxMessages = maxMessages;
		}

		public Duration getLinger() {
			return this.linger;
		}

		public void setLinger(Duration linger) {
			this.linger = linger;
		}

	}

	/** Defaults for every {@code @BusListener}; annotation attributes override them per listener. */
	public static class Listener {

		/**
		 * Whether {@code @BusListener} methods are registered and consume.
		 */
		private boolean enabled = true;

		/**
		 * Default listener group; defaults to {@code spring.application.name}.
		 */
		private String group;

		/**
		 * Consumers per listener and instance: a number ("3") or a range ("2-6").
		 */
		private String concurrency = "1";

		/**
		 * Unacknowledged messages per consumer.
		 */
		private int prefetch = 250;

		/**
		 * Type of the durable group queues, dead-letter queues and retry delay queues.
		 */
		private QueueType queueType = QueueType.QUORUM;

		/**
		 * spring-amqp listener container: {@code direct} (the handler runs on the thread that receives the
		 * delivery, no handoff, acks coalesced; a concurrency range runs its maximum, idle consumers hold no
		 * thread) or {@code simple} (a thread per consumer, a concurrency range scales between its bounds).
		 */
		private ContainerType containerType = ContainerType.DIRECT;

		/**
		 * Direct container only: settled messages acknowledged together in one multiple-ack, at most half the
		 * prefetch. 1 acknowledges every message on its own.
		 */
		private int messagesPerAck = 50;

		/**
		 * Direct container only: longest time a settled message waits for its coalesced ack.
		 */
		private Duration ackTimeout = Duration.ofMillis(100);

		/**
		 * Quorum queues only: deliveries of one message (redeliveries after a consumer crash included) after which
		 * the broker dead-letters it, so a message that crashes its consumer cannot loop for ever.
		 */
		private int deliveryLimit = 20;

		/**
		 * Largest message body a listener accepts; larger ones are dead-lettered without being decoded.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * On shutdown, how long in-flight messages may take to finish before their channels are closed and the
		 * broker requeues them.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * How often a listener retries to consume while the broker is unreachable.
		 */
		/**
		 * Health indicators (by name: db, pricing) every listener depends on: while any is DOWN or OUT_OF_SERVICE
		 * the listeners stop taking deliveries, finishing those in flight, and resume when they are up again.
		 */
		private List<String> pauseWhenDown = new ArrayList<>();

		/** How often the health indicators listeners depend on are checked. */
		private Duration healthCheckInterval = Duration.ofSeconds(1);

		public List<String> getPauseWhenDown() {
			return this.pauseWhenDown;
		}

		public void setPauseWhenDown(List<String> pauseWhenDown) {
			this.pauseWhenDown = pauseWhenDown;
		}

		public Duration getHealthCheckInterval() {
			return this.healthCheckInterval;
		}

		public void setHealthCheckInterval(Duration healthCheckInterval) {
			this.healthCheckInterval = healthCheckInterval;
		}

		private Duration recoveryInterval = Duration.ofSeconds(2);

		/**
		 * Longest exception message written to a dead letter's failure headers; longer ones are cut.
		 */
		private int failureMessageMaxLength = 1000;

		private final Retry retry = new Retry();

		public Retry getRetry() {
			return this.retry;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public String getConcurrency() {
			return this.concurrency;
		}

		public int getMessagesPerAck() {
			return this.messagesPerAck;
		}

		public void setMessagesPerAck(int messagesPerAck) {
			this.messagesPerAck = messagesPerAck;
		}

		public Duration getAckTimeout() {
			return this.ackTimeout;
		}

		public void setAckTimeout(Duration ackTimeout) {
			this.ackTimeout = ackTimeout;
		}

		public void setConcurrency(String concurrency) {
			this.concurrency = concurrency;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public QueueType getQueueType() {
			return this.queueType;
		}

		public void setQueueType(QueueType queueType) {
			this.queueType = queueType;
		}

		public ContainerType getContainerType() {
			return this.containerType;
		}

		public void setContainerType(ContainerType containerType) {
			this.containerType = containerType;
		}

		public int getDeliveryLimit() {
			return this.deliveryLimit;
		}

		public void setDeliveryLimit(int deliveryLimit) {
			this.deliveryLimit = deliveryLimit;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Duration getRecoveryInterval() {
			return this.recoveryInterval;
		}

		public void setRecoveryInterval(Duration recoveryInterval) {
			this.recoveryInterval = recoveryInterval;
		}

		public int getFailureMessageMaxLength() {
			return this.failureMessageMaxLength;
		}

		public void setFailureMessageMaxLength(int failureMessageMaxLength) {
			this.failureMessageMaxLength = failureMessageMaxLength;
		}

	}

	/**
	 * Retries of failed messages, served by broker-side delay queues so a message in backoff never holds a
	 * consumer thread. Bad input (malformed, oversize, ...) is never retried.
	 */
	public static class Retry {

		/**
		 * Attempts in all, the first included; 1 turns retries off.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the second attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the wait after each further attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(1);

		/**
		 * Exceptions that retry (fully-qualified class names; subclasses and causes match). Empty means every
		 * exception except those in not-retryable.
		 */
		private List<Class<? extends Throwable>> retryable = new ArrayList<>();

		/**
		 * Exceptions that go straight to the dead-letter queue (fully-qualified class names; subclasses and causes
		 * match).
		 */
		private List<Class<? extends Throwable>> notRetryable = new ArrayList<>();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public List<Class<? extends Throwable>> getRetryable() {
			return this.retryable;
		}

		public void setRetryable(List<Class<? extends Throwable>> retryable) {
			this.retryable = retryable;
		}

		public List<Class<? extends Throwable>> getNotRetryable() {
			return this.notRetryable;
		}

		public void setNotRetryable(List<Class<? extends Throwable>> notRetryable) {
			this.notRetryable = notRetryable;
		}

	}

	/** The inbox of idempotent listeners ({@code @BusListener(idempotent = true)}). */
	public static class Inbox {

		/**
		 * Where processed message ids are kept: "memory" (per instance, bounded) or "jdbc" (a table in the
		 * application's DataSource, shared by all instances; needs spring-jdbc and a DataSource).
		 */
		private String store = "memory";

		private final Jdbc jdbc = new Jdbc();

		public String getStore() {
			return this.store;
		}

		public void setStore(String store) {
			this.store = store;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		/**
		 * In-memory inbox: most message ids remembered; the oldest are forgotten first.
		 */
		private int maxEntries = 100_000;

		/**
		 * How long a processed message id is remembered.
		 */
		private Duration retention = Duration.ofHours(24);

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	/** The transactional outbox. */
	public static class Outbox {

		/**
		 * Whether BusPublisher writes to the outbox table when called inside a Spring transaction (sent by the relay
		 * once it commits). Needs spring-jdbc, a DataSource and a transaction manager.
		 */
		private boolean enabled = false;

		/**
		 * Outbox table.
		 */
		private String table = "bus_outbox";

		/**
		 * When to create the table from the script for the database's platform, as Spring Boot's own schemas:
		 * embedded (only in an embedded database), always, or never (create it with your migrations; the scripts
		 * are in the starter's jar under dev/bus/jdbc/).
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		/**
		 * How often the relay looks for rows besides the immediate pass after each commit on this instance (rows
		 * from other instances' crashed relays, publishes that failed).
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Most rows one relay pass locks and publishes.
		 */
		private int batchSize = 500;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

	/** The JDBC inbox. */
	public static class Jdbc {

		/**
		 * Table holding processed message ids.
		 */
		private String table = "bus_inbox";

		/**
		 * When to create the table (and its index) from the script for the database's platform, as Spring Boot's
		 * own schemas: embedded (only in an embedded database), always, or never (create it with your migrations;
		 * the scripts are in the starter's jar under dev/bus/jdbc/).
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		/**
		 * How often rows older than the retention are deleted.
		 */
		private Duration cleanupInterval = Duration.ofMinutes(10);

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public Duration getCleanupInterval() {
			return this.cleanupInterval;
		}

		public void setCleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
		}

	}

	/** The spring-amqp listener container that runs {@code @BusListener} methods. */
	/**
	 * When Bus creates its tables: Spring Boot's {@code DatabaseInitializationMode}, mirrored here because that
	 * type lives in a module an application without JDBC does not have.
	 */
	public enum SchemaInitialization {

		/** Only in an embedded database. */
		EMBEDDED,
		/** Always (the scripts create the table only if it does not exist). */
		ALWAYS,
		/** Never: the application's migrations create it. */
		NEVER

	}

	public enum ContainerType {

		/** {@code SimpleMessageListenerContainer}. */
		SIMPLE,
		/** {@code DirectMessageListenerContainer}. */
		DIRECT

	}

	/** Queue type for durable group queues. */
	public enum QueueType {

		/** Replicated quorum queues, with a delivery limit. */
		QUORUM,
		/** Classic queues. */
		CLASSIC

	}

	/**
	 * How the app talks to the Bus sidecar beside it ({@code bus.sidecar-client.*}; the sidecar process's own
	 * settings are {@code bus.sidecar.*}). When {@code bus.sidecar-client.url} is set, the broker addresses come
	 * from the sidecar's discovery (Consul) instead of {@code spring.rabbitmq.*}; without it nothing changes.
	 */
	public static class Sidecar {

		/** Base URL of the sidecar's local API, such as {@code http://127.0.0.1:4040}. Unset: no sidecar. */
		private URI url;

		/** Timeout of a plain call to the sidecar; the broker list then falls back to the last known one. */
		private Duration timeout = Duration.ofSeconds(1);

		/** How long one long poll for broker changes waits at the sidecar. */
		private Duration wait = Duration.ofSeconds(30);

		/** How often the sidecar is asked whether the instance is in maintenance (listeners pause while it is). */
		private Duration maintenanceInterval = Duration.ofSeconds(1);

		/**
		 * Development only: let the app send its credentials (password or token) to broker addresses from discovery
		 * without TLS and hostname verification. Whoever can register a service in Consul could then receive them;
		 * without this, start-up fails unless {@code spring.rabbitmq.ssl.enabled} and
		 * {@code spring.rabbitmq.ssl.verify-hostname} are true.
		 */
		private boolean allowInsecureBrokers;

		public boolean isAllowInsecureBrokers() {
			return this.allowInsecureBrokers;
		}

		public void setAllowInsecureBrokers(boolean allowInsecureBrokers) {
			this.allowInsecureBrokers = allowInsecureBrokers;
		}

		public Duration getMaintenanceInterval() {
			return this.maintenanceInterval;
		}

		public void setMaintenanceInterval(Duration maintenanceInterval) {
			this.maintenanceInterval = maintenanceInterval;
		}

		public URI getUrl() {
			return this.url;
		}

		public void setUrl(URI url) {
			this.url = url;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getWait() {
			return this.wait;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

	}

	/**
	 * Tracing with OpenTelemetry: spans for every publish and delivery, context in the message headers.
	 */
	public static class Tracing {

		/** Whether Bus creates spans (when the OpenTelemetry API is on the classpath). */
		private boolean enabled = true;

		/**
		 * Where the OpenTelemetry SDK that Bus sets up (only when the application has no {@code OpenTelemetry}
		 * bean) sends spans over OTLP/HTTP; wins over {@code OTEL_EXPORTER_OTLP_*}. Unset: the standard
		 * {@code OTEL_*} settings, else the sidecar ({@code http://127.0.0.1:4318/v1/traces}) when
		 * {@code bus.sidecar-client.url} is set.
		 */
		private URI otlpEndpoint;

		/**
		 * Share of new traces sampled by the SDK that Bus sets up (parent-based: a sampled parent is followed);
		 * {@code OTEL_TRACES_SAMPLER} and {@code OTEL_TRACES_SAMPLER_ARG} override it.
		 */
		private double samplingProbability = 1.0;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public URI getOtlpEndpoint() {
			return this.otlpEndpoint;
		}

		public void setOtlpEndpoint(URI otlpEndpoint) {
			this.otlpEndpoint = otlpEndpoint;
		}

		public double getSamplingProbability() {
			return this.samplingProbability;
		}

		public void setSamplingProbability(double samplingProbability) {
			this.samplingProbability = samplingProbability;
		}

	}

	/** Who declares the exchanges, queues and bindings Bus uses. */
	public static class Topology {

		/**
		 * Whether Bus declares its topology (the bus exchange, each listener's queues, delay and dead-letter queues,
		 * the groups' moves exchanges and their bindings). False: an operator declares it (from the definitions at
		 * {@code /actuator/bus/topology}), the app needs no {@code configure} permission at all, and Bus only checks
		 * that it exists (passively), reporting what is missing in health.
		 */
		private boolean declare = true;

		public boolean isDeclare() {
			return this.declare;
		}

		public void setDeclare(boolean declare) {
			this.declare = declare;
		}

	}

}

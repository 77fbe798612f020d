package dev.bus.sidecar;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the sidecar, under {@code bus.sidecar.*}. Validated at binding, so a bad value fails start-up
 * with an error that names the property.
 */
@ConfigurationProperties("bus.sidecar")
public class SidecarProperties implements Validator {

	/** The application the sidecar serves and registers. */
	private final App app = new App();

	/** How the application is registered in Consul. */
	private final Registration registration = new Registration();

	/** What the sidecar watches in Consul. */
	private final Routing routing = new Routing();

	private final Discovery discovery = new Discovery();

	/** The Consul agent. */
	private final Consul consul = new Consul();

	/** The local API the application calls. Always bound to 127.0.0.1. */
	private final Api api = new Api();

	/** Health probes and Prometheus metrics for Kubernetes. */
	private final Management management = new Management();

	/** The pod's trace pipeline: OTLP receiver on 127.0.0.1, export to Jaeger (OTLP) or Zipkin. */
	private final Telemetry telemetry = new Telemetry();

	public Telemetry getTelemetry() {
		return this.telemetry;
	}

	public App getApp() {
		return this.app;
	}

	public Registration getRegistration() {
		return this.registration;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public Consul getConsul() {
		return this.consul;
	}

	public Api getApi() {
		return this.api;
	}

	public Management getManagement() {
		return this.management;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SidecarProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SidecarProperties properties = (SidecarProperties) target;
		App app = properties.getApp();
		if (app.getName() == null || app.getName().isBlank()) {
			errors.rejectValue("app.name", "required", "the name the app is registered under in Consul is required");
		}
		if (app.getPort() == null) {
			errors.rejectValue("app.port", "required", "the port the app serves on is required");
		}
		else {
			requirePort(errors, "app.port", app.getPort());
		}
		if (app.getManagementPort() != null) {
			requirePort(errors, "app.management-port", app.getManagementPort());
		}
		requirePath(errors, "app.health-path", app.getHealthPath());
		requirePath(errors, "app.bus-path", app.getBusPath());
		requirePath(errors, "app.asyncapi-path", app.getAsyncapiPath());
		requirePositive(errors, "app.timeout", app.getTimeout());
		Registration registration = properties.getRegistration();
		if (registration.getTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			errors.rejectValue("registration.ttl", "invalid", "must be at least 1s (Consul's TTL resolution)");
		}
		if (registration.getDeregisterCriticalAfter().compareTo(Duration.ofMinutes(1)) < 0) {
			errors.rejectValue("registration.deregister-critical-after", "invalid",
					"must be at least 1m (Consul's reaper runs about every 30s)");
		}
		requirePositive(errors, "registration.drain-time", registration.getDrainTime());
		requirePositive(errors, "registration.app-stop-timeout", registration.getAppStopTimeout());
		Discovery discovery = properties.getDiscovery();
		if (discovery.getWait().compareTo(Duration.ofSeconds(1)) < 0
				|| discovery.getWait().compareTo(Duration.ofMinutes(10)) > 0) {
			errors.rejectValue("discovery.wait", "invalid", "must be between 1s and 10m (Consul's limit)");
		}
		requirePositive(errors, "discovery.idle-expiry", discovery.getIdleExpiry());
		if (discovery.getBrokerService() == null || discovery.getBrokerService().isBlank()) {
			errors.rejectValue("discovery.broker-service", "required", "the broker's Consul service name is required");
		}
		validateConsul(errors, properties.getConsul());
		requirePort(errors, "api.port", properties.getApi().getPort());
		requirePort(errors, "management.port", properties.getManagement().getPort());
		validateTelemetry(errors, properties.getTelemetry());
	}

	private static void validateTelemetry(Errors errors, Telemetry telemetry) {
		requirePort(errors, "telemetry.port", telemetry.getPort());
		if (telemetry.getSamplingRatio() < 0 || telemetry.getSamplingRatio() > 1) {
			errors.rejectValue("telemetry.sampling-ratio", "invalid", "must be between 0 and 1");
		}
		if (telemetry.getMaxQueueSize() < 1 || telemetry.getMaxBatchSize() < 1
				|| telemetry.getMaxBatchSize() > telemetry.getMaxQueueSize()) {
			errors.rejectValue("telemetry.max-batch-size", "invalid",
					"must be at least 1 and at most bus.sidecar.telemetry.max-queue-size");
		}
		if (telemetry.getMaxExportAttempts() < 1) {
			errors.rejectValue("telemetry.max-export-attempts", "invalid", "must be at least 1");
		}
		if (telemetry.getSslBundle() != null) {
			if (telemetry.getExporter() != Telemetry.Exporter.OTLP) {
				errors.rejectValue("telemetry.ssl-bundle", "invalid",
						"applies to the otlp exporter only (bus.sidecar.telemetry.exporter)");
			}
			else if (!telemetry.getEndpoint().startsWith("https:")) {
				errors.rejectValue("telemetry.endpoint", "invalid",
						"must be an https URL when bus.sidecar.telemetry.ssl-bundle is set");
			}
		}
		if (telemetry.getMaxRequestSize() < 1024) {
			errors.rejectValue("telemetry.max-request-size", "invalid", "must be at least 1024 bytes");
		}
		requirePositive(errors, "telemetry.schedule-delay", telemetry.getScheduleDelay());
		requirePositive(errors, "telemetry.export-timeout", telemetry.getExportTimeout());
		try {
			URI endpoint = new URI(telemetry.getEndpoint());
			if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
					|| endpoint.getHost() == null) {
				errors.rejectValue("telemetry.endpoint", "invalid", "must be an http or https URL");
			}
		}
		catch (Exception ex) {
			errors.rejectValue("telemetry.endpoint", "invalid", "is not a valid URL");
		}
	}

	private static void validateConsul(Errors errors, Consul consul) {
		String url = consul.getUrl();
		if (consul.getSslBundle() != null && !url.startsWith("https:")) {
			errors.rejectValue("consul.url", "invalid", "must be an https URL when bus.sidecar.consul.ssl-bundle is set");
		}
		try {
			URI uri = new URI(url);
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				errors.rejectValue("consul.url", "invalid",
						"must be an http or https URL with a host, such as http://127.0.0.1:8500");
			}
		}
		catch (Exception ex) {
			errors.rejectValue("consul.url", "invalid", "is not a valid URL: " + ex.getMessage());
		}
	}

	private static void requirePort(Errors errors, String field, int port) {
		if (port < 0 || port > 65535) {
			errors.rejectValue(field, "invalid", "must be a port between 0 and 65535");
		}
	}

	private static void requirePath(Errors errors, String field, String path) {
		if (path == null || !path.startsWith("/")) {
			errors.rejectValue(field, "invalid", "must be a path starting with /");
		}
	}

	private static void requirePositive(Errors errors, String field, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			errors.rejectValue(field, "invalid", "must be a positive duration");
		}
	}

	/** The application beside the sidecar. */
	public static class App {

		/** Service name the app is registered under in Consul. Required. */
		private @Nullable String name;

		/** Port the app serves on (registered in Consul). Required. */
		private @Nullable Integer port;

		/** Port of the app's actuator, when it differs from {@code port}. */
		private @Nullable Integer managementPort;

		/**
		 * Address registered in Consul, the one peers reach the app on. Defaults to the {@code POD_IP}
		 * environment variable (Kubernetes downward API), else this host's address.
		 */
		private @Nullable String advertiseAddress;

		/** Path of the app's actuator health endpoint, polled on 127.0.0.1. */
		private String healthPath = "/actuator/health";

		/** Path of the app's actuator {@code bus} endpoint, read for the topics the app listens to. */
		private String busPath = "/actuator/bus";

		/**
		 * Path of the app's AsyncAPI document (actuator endpoint {@code asyncapi}): when the app serves it, its URL
		 * goes into the Consul metadata ({@code bus-asyncapi}).
		 */
		private String asyncapiPath = "/actuator/asyncapi";

		/** Timeout of each call to the app; a health call that times out counts as failing. */
		private Duration timeout = Duration.ofSeconds(2);

		/** App version, registered as service metadata {@code version}. */
		private @Nullable String version;

		/** Tags registered with the service. */
		private List<String> tags = new ArrayList<>();

		/** Extra service metadata registered with the service. */
		private Map<String, String> metadata = new LinkedHashMap<>();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

		public @Nullable Integer getManagementPort() {
			return this.managementPort;
		}

		public void setManagementPort(@Nullable Integer managementPort) {
			this.managementPort = managementPort;
		}

		public @Nullable String getAdvertiseAddress() {
			return this.advertiseAddress;
		}

		public void setAdvertiseAddress(@Nullable String advertiseAddress) {
			this.advertiseAddress = advertiseAddress;
		}

		public String getHealthPath() {
			return this.healthPath;
		}

		public void setHealthPath(String healthPath) {
			this.healthPath = healthPath;
		}

		public String getBusPath() {
			return this.busPath;
		}

		public String getAsyncapiPath() {
			return this.asyncapiPath;
		}

		public void setAsyncapiPath(String asyncapiPath) {
			this.asyncapiPath = asyncapiPath;
		}

		public void setBusPath(String busPath) {
			this.busPath = busPath;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable String getVersion() {
			return this.version;
		}

		public void setVersion(@Nullable String version) {
			this.version = version;
		}

		public List<String> getTags() {
			return this.tags;
		}

		public void setTags(List<String> tags) {
			this.tags = tags;
		}

		public Map<String, String> getMetadata() {
			return this.metadata;
		}

		public void setMetadata(Map<String, String> metadata) {
			this.metadata = metadata;
		}

		/** The port the app's actuator answers on. */
		public int actuatorPort() {
			return (this.managementPort != null) ? this.managementPort : this.port;
		}

	}

	/** Registration of the app in Consul. */
	public static class Registration {

		/**
		 * Whether the sidecar registers the app in Consul and reports its health with a TTL check. Off where
		 * something else registers the pods, as consul-k8s does without client agents (agentless, from the pods'
		 * readiness): the sidecar then only discovers, watches and serves.
		 */
		private boolean enabled = true;

		/**
		 * Instance id in Consul. Defaults to {@code <name>-<HOSTNAME>} (the pod name in Kubernetes), else
		 * {@code <name>-<address>-<port>}.
		 */
		private @Nullable String instanceId;

		/** TTL of the health check; the sidecar reports the app's health every third of it. */
		private Duration ttl = Duration.ofSeconds(10);

		/** Consul removes an instance whose check stays critical this long (a pod that died without draining). */
		private Duration deregisterCriticalAfter = Duration.ofMinutes(1);

		/**
		 * On shutdown, how long the instance stays in maintenance (critical, so peers stop routing to it) before
		 * it is deregistered.
		 */
		private Duration drainTime = Duration.ofSeconds(2);

		/** Longest wait between attempts while Consul or the app cannot be reached (backoff doubles up to it). */
		private Duration maxBackoff = Duration.ofSeconds(10);

		/**
		 * Longest the sidecar's pre-stop hook ({@code GET /drain?await=app-stop} on the management port) waits for
		 * the app to stop accepting connections, where Kubernetes stops both containers at once.
		 */
		private Duration appStopTimeout = Duration.ofSeconds(60);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getDeregisterCriticalAfter() {
			return this.deregisterCriticalAfter;
		}

		public void setDeregisterCriticalAfter(Duration deregisterCriticalAfter) {
			this.deregisterCriticalAfter = deregisterCriticalAfter;
		}

		public Duration getAppStopTimeout() {
			return this.appStopTimeout;
		}

		public void setAppStopTimeout(Duration appStopTimeout) {
			this.appStopTimeout = appStopTimeout;
		}

		public Duration getDrainTime() {
			return this.drainTime;
		}

		public void setDrainTime(Duration drainTime) {
			this.drainTime = drainTime;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

	/** Routing rules kept in Consul KV, validated here and served to the app. */
	public static class Routing {

		/** Whether the sidecar watches and serves routing rules. */
		private boolean enabled = true;

		/** Consul KV prefix of the rule sets, one key per rule set (JSON). */
		private String prefix = "bus/routes/";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

	}

	/** Discovery: what the sidecar watches in Consul with blocking queries. */
	public static class Discovery {

		/** Consul service name of the RabbitMQ nodes; served as the broker list. */
		private String brokerService = "rabbitmq";

		/**
		 * Services watched from start-up. Any other service is watched from the first time the app asks for it.
		 */
		private List<String> services = new ArrayList<>();

		/** Longest wait of one blocking query. */
		private Duration wait = Duration.ofSeconds(30);

		/**
		 * A service the app asked for at run time and has not asked for in this long is no longer watched (the
		 * broker service and the configured services always are), so misspelt or retired names cannot hold every
		 * watch slot for good.
		 */
		private Duration idleExpiry = Duration.ofMinutes(10);

		public String getBrokerService() {
			return this.brokerService;
		}

		public void setBrokerService(String brokerService) {
			this.brokerService = brokerService;
		}

		public List<String> getServices() {
			return this.services;
		}

		public void setServices(List<String> services) {
			this.services = services;
		}

		public Duration getWait() {
			return this.wait;
		}

		public Duration getIdleExpiry() {
			return this.idleExpiry;
		}

		public void setIdleExpiry(Duration idleExpiry) {
			this.idleExpiry = idleExpiry;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

	}

	/** The Consul agent the sidecar talks to. */
	public static class Consul {

		/** URL of the Consul agent's HTTP API (https for TLS). */
		private String url = "http://127.0.0.1:8500";

		/** ACL token sent with every Consul request. Never logged. */
		private @Nullable String aclToken;

		/**
		 * Development only: use a Consul agent that does not enforce ACLs (a {@code consul agent -dev}). Otherwise the
		 * sidecar refuses an agent that answers requests without a token, since anyone reaching it could change
		 * routing rules, maintenance and broker addresses.
		 */
		private boolean development;

		public boolean isDevelopment() {
			return this.development;
		}

		public void setDevelopment(boolean development) {
			this.development = development;
		}

		/**
		 * Name of the SSL bundle ({@code spring.ssl.bundle.jks.<name>} or {@code spring.ssl.bundle.pem.<name>})
		 * for Consul's https API: the CA to trust and, when Consul verifies clients, the client certificate.
		 * Unset: the JVM's default trust store.
		 */
		private @Nullable String sslBundle;

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public @Nullable String getAclToken() {
			return this.aclToken;
		}

		public void setAclToken(@Nullable String aclToken) {
			this.aclToken = aclToken;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

	}

	/** The local API: HTTP/JSON on 127.0.0.1 under {@code /v1/}. */
	public static class Api {

		/** Port on 127.0.0.1 (0 picks a free one). */
		private int port = 4040;

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * Kubernetes probes ({@code /actuator/health/liveness}, {@code /actuator/health/readiness}) and
	 * {@code /actuator/prometheus}. The kubelet and Prometheus reach the pod's IP, so this listener is not
	 * loopback-only by default; it serves nothing but these read-only paths.
	 */
	public static class Management {

		/** Address to bind. */
		private String address = "0.0.0.0";

		/** Port (0 picks a free one). */
		private int port = 9464;

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * The trace pipeline of the pod. The app sends spans to {@code http://127.0.0.1:<port>/v1/traces} (OTLP/HTTP,
	 * protobuf or JSON); the sidecar samples, adds the pod's resource attributes, batches and exports them.
	 */
	public static class Telemetry {

		/** Where spans go. */
		public enum Exporter {

			/** OTLP/HTTP protobuf, to Jaeger's OTLP receiver or any OpenTelemetry collector. */
			OTLP,

			/** Zipkin v2 JSON. */
			ZIPKIN

		}

		/** Whether the sidecar receives and exports spans. */
		private boolean enabled = true;

		/** Port of the OTLP/HTTP receiver on 127.0.0.1. */
		private int port = 4318;

		/** Exporter: {@code otlp} (Jaeger) or {@code zipkin}. */
		private Exporter exporter = Exporter.OTLP;

		/**
		 * Export endpoint: the full URL spans are POSTed to, such as {@code http://jaeger-collector:4318/v1/traces}
		 * (OTLP) or {@code http://zipkin:9411/api/v2/spans} (Zipkin).
		 */
		private String endpoint = "http://jaeger-collector:4318/v1/traces";

		/** Headers sent with every OTLP export (for example an authorization token). Never logged. */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Name of the SSL bundle ({@code spring.ssl.bundle.jks.<name>} or {@code spring.ssl.bundle.pem.<name>})
		 * for an https OTLP endpoint: its trust store verifies the endpoint, its key store (if any) is the
		 * client's certificate for mutual TLS. Without it, the JDK's default trust store is used.
		 */
		private @Nullable String sslBundle;

		/** Share of traces kept, decided on the trace id so every service keeps or drops a trace alike. */
		private double samplingRatio = 1.0;

		/** Most spans waiting for export; when full, the oldest are dropped (and counted). */
		private int maxQueueSize = 20_000;

		/** Most spans in one export. */
		private int maxBatchSize = 512;

		/** Longest a span waits for its batch to fill. */
		private Duration scheduleDelay = Duration.ofMillis(500);

		/** Timeout of one export call. */
		private Duration exportTimeout = Duration.ofSeconds(10);

		/** Export attempts per batch (backoff doubling from 500ms) before the batch is dropped and counted. */
		private int maxExportAttempts = 4;

		/** Largest OTLP request accepted, in bytes (after decompression); larger ones get 413. */
		private int maxRequestSize = 4 * 1024 * 1024;

		/** Resource attributes added to every span (the app's own win); k8s ones come from the environment. */
		private Map<String, String> resourceAttributes = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public Exporter getExporter() {
			return this.exporter;
		}

		public void setExporter(Exporter exporter) {
			this.exporter = exporter;
		}

		public String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(String endpoint) {
			this.endpoint = endpoint;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public double getSamplingRatio() {
			return this.samplingRatio;
		}

		public void setSamplingRatio(double samplingRatio) {
			this.samplingRatio = samplingRatio;
		}

		public int getMaxQueueSize() {
			return this.maxQueueSize;
		}

		public void setMaxQueueSize(int maxQueueSize) {
			this.maxQueueSize = maxQueueSize;
		}

		public int getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(int maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public Duration getScheduleDelay() {
			return this.scheduleDelay;
		}

		public void setScheduleDelay(Duration scheduleDelay) {
			this.scheduleDelay = scheduleDelay;
		}

		public Duration getExportTimeout() {
			return this.exportTimeout;
		}

		public void setExportTimeout(Duration exportTimeout) {
			this.exportTimeout = exportTimeout;
		}

		public int getMaxExportAttempts() {
			return this.maxExportAttempts;
		}

		public void setMaxExportAttempts(int maxExportAttempts) {
			this.maxExportAttempts = maxExportAttempts;
		}

		public int getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(int maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		public Map<String, String> getResourceAttributes() {
			return this.resourceAttributes;
		}

		public void setResourceAttributes(Map<String, String> resourceAttributes) {
			this.resourceAttributes = resourceAttributes;
		}

	}

}

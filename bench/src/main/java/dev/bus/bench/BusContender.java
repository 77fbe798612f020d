package dev.bus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;

/**
 * Bus as an application uses it: {@code BusPublisher.publish} with at most 200
 * unconfirmed, and a {@code @BusListener} with prefetch 250, in a Spring Boot application
 * started (outside the measurement) per scenario, so each run has its own queue and
 * settings.
 */
final class BusContender implements Contender {

	private final String host;

	private final int port;

	private final boolean batching;

	/** Where spans go (a sidecar's OTLP receiver), or null: tracing off. */
	private final Supplier<String> tracingEndpoint;

	/** {@code bus.listener.container-type}. */
	private final String containerType;

	/** A keyset file encrypting the benchmark topic, or null: in clear. */
	private final java.nio.file.Path keyset;

	/**
	 * Security settings ({@link SecuredSettings}), or null: the default node as guest.
	 */
	private final SecuredSettings security;

	/**
	 * Whether 20 routing rules are evaluated on every publish (none applies: their cost
	 * alone).
	 */
	private boolean routingRules;

	/**
	 * Whether the app has Boot's observation registry with its meter handler, as an app
	 * with the actuator has.
	 */
	private boolean observed;

	/** Share of traces sampled when tracing is on. */
	private double samplingProbability = 1.0;

	/** The name of a traced contender. */
	private String tracedName = "Bus (tracing)";

	/**
	 * With batching: {@code bus.publisher.batching.max-messages} and {@code .linger}, or
	 * null: the defaults.
	 */
	private String[] batchSettings;

	/**
	 * Bus with tracing on, its spans sent to {@code endpoint} (a sink that discards
	 * them), {@code probability} of the traces sampled: what tracing costs in the app
	 * itself.
	 */
	static BusContender tracedTo(String host, int port, Supplier<String> endpoint, double probability, String name) {
		BusContender contender = new BusContender(host, port, false, endpoint, "direct");
		contender.samplingProbability = probability;
		contender.tracedName = name;
		return contender;
	}

	/**
	 * Bus with batching of at most {@code maxMessages} messages per batch, each waiting
	 * at most {@code linger} for its batch to fill: the rows a user picks batch settings
	 * from (what each costs in latency, what it gains).
	 */
	static BusContender batching(String host, int port, int maxMessages, java.time.Duration linger) {
		BusContender contender = new BusContender(host, port, true);
		contender.batchSettings = new String[] { "bus.publisher.batching.max-messages=" + maxMessages,
				"bus.publisher.batching.linger=" + linger.toMillis() + "ms" };
		return contender;
	}

	/**
	 * Bus in an app whose {@code ObservationRegistry} times every observation into a
	 * meter registry, as Boot's actuator sets it up: what {@code bus.publish} and
	 * {@code bus.delivery} cost per message.
	 */
	static BusContender observed(String host, int port) {
		BusContender contender = new BusContender(host, port, false);
		contender.observed = true;
		return contender;
	}

	/**
	 * Bus with 20 routing rules evaluated per publish, none of which applies: what
	 * evaluating them costs.
	 */
	static BusContender withRoutingRules(String host, int port) {
		BusContender contender = new BusContender(host, port, false);
		contender.routingRules = true;
		return contender;
	}

	/**
	 * 19 rules on other topics and one on the benchmark's, whose condition (a header) is
	 * false: every publish matches 20 patterns and evaluates one condition.
	 */
	private static String[] routingRuleProperties() {
		java.util.List<String> properties = new java.util.ArrayList<>();
		String set = "bus.routing.rule-sets[0].";
		properties.add(set + "name=bench");
		properties.add(set + "version=1");
		for (int i = 0; i < 20; i++) {
			String rule = set + "rules[" + i + "].";
			properties.add(rule + "name=r" + i);
			properties.add(rule + "topic=" + ((i < 19) ? "other" + i + ".*" : "bench.message"));
			properties.add(rule + "action=redirect");
			properties.add(rule + "to=elsewhere.r" + i);
			if (i == 19) {
				properties.add(rule + "when=headers['region'] == 'nowhere'");
			}
		}
		return properties.toArray(String[]::new);
	}

	BusContender(String host, int port, boolean batching) {
		this(host, port, batching, null, "direct");
	}

	BusContender(String host, int port, boolean batching, Supplier<String> tracingEndpoint, String containerType) {
		this(host, port, batching, tracingEndpoint, containerType, null);
	}

	private BusContender(String host, int port, boolean batching, Supplier<String> tracingEndpoint,
			String containerType, java.nio.file.Path keyset) {
		this(host, port, batching, tracingEndpoint, containerType, keyset, null);
	}

	private BusContender(String host, int port, boolean batching, Supplier<String> tracingEndpoint,
			String containerType, java.nio.file.Path keyset, SecuredSettings security) {
		this.host = host;
		this.port = port;
		this.batching = batching;
		this.tracingEndpoint = tracingEndpoint;
		this.containerType = containerType;
		this.keyset = keyset;
		this.security = security;
	}

	/**
	 * Bus on scripts/infra's secured node: with {@code tokens}, authenticated by a broker
	 * token and attaching a per-message token that the listener verifies, bound to the
	 * publisher's key and proved per message ("Bus (secured)") or, without
	 * {@code proofs}, a bearer token ("Bus (secured with bearer tokens)"); without
	 * tokens, as the node's internal administrator, the baseline on the same node ("Bus
	 * (secured node)").
	 */
	static BusContender securedNode(String host, boolean tokens, boolean proofs) {
		return new BusContender(host, 5673, false, null, "direct", null, new SecuredSettings(tokens, proofs));
	}

	/**
	 * Bus with the benchmark topic's payloads encrypted (AES-256-GCM), a fresh keyset in
	 * a temporary file.
	 */
	static BusContender encrypted(String host, int port) {
		return encrypted(host, port, false);
	}

	/**
	 * Encrypted as {@link #encrypted(String, int)}, optionally with batching: each
	 * message of a batch encrypted on its own, whose cost bounds what encrypting whole
	 * batches could save.
	 */
	static BusContender encrypted(String host, int port, boolean batching) {
		try {
			com.google.crypto.tink.aead.AeadConfig.register();
			java.nio.file.Path keyset = java.nio.file.Files.createTempFile("bench-keyset", ".json");
			keyset.toFile().deleteOnExit();
			java.nio.file.Files.writeString(keyset,
					com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
							com.google.crypto.tink.KeysetHandle
								.generateNew(com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM),
							com.google.crypto.tink.InsecureSecretKeyAccess.get()));
			return new BusContender(host, port, batching, null, "direct", keyset);
		}
		catch (java.io.IOException | java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot make the benchmark keyset", ex);
		}
	}

	@Override
	public String name() {
		if (this.tracingEndpoint != null) {
			return this.tracedName;
		}
		if (this.keyset != null) {
			return this.batching ? "Bus (encrypted batches)" : "Bus (encrypted)";
		}
		if (this.security != null) {
			if (!this.security.tokens()) {
				return "Bus (secured node)";
			}
			return this.security.proofs() ? "Bus (secured)" : "Bus (secured with bearer tokens)";
		}
		if (this.routingRules) {
			return "Bus (20 routing rules)";
		}
		if (this.observed) {
			return "Bus (observed)";
		}
		if (this.batchSettings != null) {
			return "Bus (batching " + this.batchSettings[0].substring(this.batchSettings[0].indexOf('=') + 1) + " / "
					+ this.batchSettings[1].substring(this.batchSettings[1].indexOf('=') + 1) + ")";
		}
		return this.batching ? "Bus (batching)" : "simple".equals(this.containerType) ? "Bus (simple)" : "Bus";
	}

	@Override
	public boolean supports(Scenario scenario) {
		if (this.tracingEndpoint != null) {
			return scenario == Scenario.D_TRACING;
		}
		if (this.keyset != null && this.batching) {
			return scenario == Scenario.A_TRANSIENT || scenario == Scenario.B_QUORUM;
		}
		if (this.keyset != null || this.security != null) {
			return scenario == Scenario.B_QUORUM || scenario == Scenario.C_LATENCY || scenario == Scenario.C_LATENCY_1K;
		}
		if (this.routingRules) {
			return scenario == Scenario.B_QUORUM;
		}
		if (this.observed) {
			return scenario == Scenario.A_TRANSIENT || scenario == Scenario.B_QUORUM;
		}
		return scenario != Scenario.E_OUTBOX && scenario != Scenario.R_REQUEST_REPLY
				&& (scenario != Scenario.D_TRACING || (!this.batching && "direct".equals(this.containerType)));
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String exchange = "bench-bus-" + UUID.randomUUID();
		Latencies sink = PayloadSink.start(messages);
		Class<?>[] sources = this.observed ? new Class<?>[] { BenchApplication.class, ObservedApplication.class }
				: new Class<?>[] { BenchApplication.class };
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.properties(encryption())
			.properties((this.security != null) ? this.security.properties() : new String[0])
			.properties(this.routingRules ? routingRuleProperties() : new String[0])
			.properties((this.batchSettings != null) ? this.batchSettings : new String[0])
			.properties(Contender.NO_DATABASE, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=bench", "spring.rabbitmq.host=" + this.host,
					"spring.rabbitmq.port=" + this.port, "bus.exchange=" + exchange,
					"bus.publisher.persistent=" + scenario.persistent,
					"bus.listener.queue-type=" + (scenario.quorum ? "quorum" : "classic"),
					"bus.listener.prefetch=" + PREFETCH, "bus.publisher.batching.enabled=" + this.batching,
					"bus.listener.container-type=" + this.containerType,
					"bus.tracing.enabled=" + (this.tracingEndpoint != null),
					"bus.tracing.sampling-probability=" + this.samplingProbability,
					"bus.tracing.otlp-endpoint=" + ((this.tracingEndpoint != null) ? this.tracingEndpoint.get()
							: "http://127.0.0.1:4318/v1/traces"))
			.run()) {
			BusListenerRegistry registry = context.getBean(BusListenerRegistry.class);
			while (registry.registrations().get(0).activeConsumers() == 0) {
				Thread.onSpinWait();
			}
			BusPublisher publisher = context.getBean(BusPublisher.class);
			Semaphore window = new Semaphore(this.batching ? 20 * IN_FLIGHT : IN_FLIGHT);
			String padding = "x".repeat(PAYLOAD_BYTES - 40);
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				Contender.pace(start, i, scenario.rate);
				window.acquire();
				publisher.publish("bench.message", new Payload(System.nanoTime(), padding))
					.whenComplete((receipt, error) -> window.release());
			}
			sink.await(5, TimeUnit.MINUTES, "Bus listener");
			Measurement measurement = sink.measurement(start, cpu);
			removeTopology(context, exchange);
			return measurement;
		}
	}

	/** The encryption properties of "Bus (encrypted)"; none for the others. */
	private String[] encryption() {
		return (this.keyset != null) ? new String[] { "bus.security.encryption.topics[0].pattern=bench.#",
				"bus.security.encryption.topics[0].keyset=file:" + this.keyset } : new String[0];
	}

	/**
	 * Stops the application and deletes its queues and exchange; listeners first, so that
	 * deleting their queue is not reported as a consumer cancelled by the broker.
	 */
	static void removeTopology(ConfigurableApplicationContext context, String exchange) throws Exception {
		context.stop();
		try (var connection = context.getBean(org.springframework.amqp.rabbit.connection.ConnectionFactory.class)
			.createConnection(); var channel = connection.createChannel(false)) {
			channel.queueDelete("bench.bench.message");
			channel.queueDelete("bench.bench.message.dlq");
			channel.exchangeDelete(exchange);
		}
	}

	/** The benchmark payload: send time and padding to 256 bytes of JSON. */
	record Payload(long sentNanos, String padding) {
	}

	/**
	 * What Boot's actuator gives an app: an observation registry timing every observation
	 * into meters, its meter handlers grouped as Boot groups them (the first, in order,
	 * that supports a context handles it; Micrometer's default last).
	 */
	@Configuration(proxyBeanMethods = false)
	static class ObservedApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meterRegistry,
				ObjectProvider<MeterObservationHandler<?>> handlers) {
			List<ObservationHandler<?>> group = new ArrayList<>(handlers.orderedStream().toList());
			group.add(new DefaultMeterObservationHandler(meterRegistry));
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(group));
			return registry;
		}

	}

	/**
	 * Bus's listener on the benchmark topic, reporting to the current run
	 * ({@link PayloadSink}).
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BenchApplication {

		@BusListener(topic = "bench.message")
		void on(Payload payload) {
			PayloadSink.accept(payload);
		}

	}

}

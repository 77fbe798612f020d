package dev.bus.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import com.rabbitmq.client.Address;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.OutboundMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.PublishReceipt;
import dev.bus.ReceivePostProcessor;
import dev.bus.actuate.BusEndpoint;
import dev.bus.actuate.BusListenersHealthIndicator;
import dev.bus.annotation.BusListener;
import dev.bus.discovery.SidecarBrokerAddresses;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.ReceiveChain;
import dev.bus.metrics.MicrometerBusMetrics;
import dev.bus.observation.BusObservations;
import dev.bus.observation.BusPublishObservationContext;
import dev.bus.observation.DefaultBusPublishObservationConvention;
import dev.bus.observation.TopicTags;
import dev.bus.publisher.BatchingBusPublisher;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.PublishChain;
import dev.bus.publisher.RabbitBusPublisher;
import dev.bus.tracing.OpenTelemetryBusObservationHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Auto-configuration: what is created when, what users can override, and how bad
 * configuration fails. Needs no broker: connections are opened lazily and nothing here
 * publishes.
 */
class BusAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
				BusConnectionFactoryAutoConfiguration.class, BusMetricsAutoConfiguration.class,
				BusObservationAutoConfiguration.class, BusAutoConfiguration.class, BusInboxAutoConfiguration.class,
				BusListenerAutoConfiguration.class, BusActuatorAutoConfiguration.class,
				BusSidecarAutoConfiguration.class))
		// a closed port: these tests never need the broker, and attempts fail fast
		.withPropertyValues("spring.rabbitmq.port=1", "spring.application.name=test-app");

	@Test
	void providesPublisherListenerInfrastructureAndActuatorSupport() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=bus")
			.run((context) -> assertThat(context).hasSingleBean(RabbitBusPublisher.class)
				.hasSingleBean(BusListenerRegistry.class)
				.hasSingleBean(MicrometerBusMetrics.class)
				.hasSingleBean(BusEndpoint.class)
				.hasSingleBean(BusListenersHealthIndicator.class)
				.doesNotHaveBean(BatchingBusPublisher.class));
	}

	@Test
	void theUsersObservationHandlersConventionsAndPostProcessorsJoinBussOwn() {
		List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.runner
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("myHandler", ObservationHandler.class, () -> new ObservationHandler<Observation.Context>() {

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

				@Override
				public void onStop(Observation.Context context) {
					observed.add(context.getName());
				}

			})
			.withBean("myConvention", DefaultBusPublishObservationConvention.class,
					() -> new DefaultBusPublishObservationConvention(new TopicTags(10)) {

						@Override
						public KeyValues getLowCardinalityKeyValues(BusPublishObservationContext context) {
							return super.getLowCardinalityKeyValues(context).and("tenant", "a");
						}

					})
			.withBean("tenantHeader", PublishPostProcessor.class, () -> (message) -> message.headers().put("t", "a"))
			.withBean("tenantCheck", ReceivePostProcessor.class, () -> (message) -> {
			})
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(RabbitBusPublisher.class)
					.hasSingleBean(MicrometerBusMetrics.class)
					.hasSingleBean(PublishChain.class)
					.hasSingleBean(ReceiveChain.class);
				OutgoingEnvelope sent = context.getBean(EnvelopeFactory.class)
					.create(OutboundMessage.builder("orders.created", "x").build());
				assertThat(sent.envelope().properties().getHeaders()).containsEntry("t", "a");
				assertThatExceptionOfType(BusPublishException.class)
					.as("no topic is encrypted here: a confidential header is refused, not sent in clear")
					.isThrownBy(() -> context.getBean(EnvelopeFactory.class)
						.create(OutboundMessage.builder("orders.created", "x")
							.confidentialHeader("iban", "DE00")
							.build()))
					.withMessageContaining("confidential-headers-in-clear");
				BusObservations.publishSettled(context.getBean(BusObservations.class)
					.publishStarted(OutboundMessage.builder("orders.created", "payload").messageId("m-1").build()),
						null);
				assertThat(observed).as("the user's handler hears Bus's observation").containsExactly("bus.publish");
				assertThat(context.getBean(MeterRegistry.class)
					.get("bus.publish")
					.tags("tenant", "a", "outcome", "confirmed", "topic", "orders.created")
					.timer()
					.count()).as("Boot's meter handler, with the user's convention").isEqualTo(1);
			});
	}

	@Test
	void withoutAnObservationRegistryBusObservesIntoOneOfItsOwnAndItsSpansAreMade() {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		this.runner.withConfiguration(AutoConfigurations.of(BusTracingAutoConfiguration.class))
			.withBean(OpenTelemetry.class, () -> tracedTo(exporter))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ObservationRegistry.class);
				publishObserved(context);
				assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
					.containsExactly("publish orders.created");
			});
	}

	@Test
	void withBootsObservationRegistryEachMessageHasOneSpanFromBus() {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		this.runner
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, BusTracingAutoConfiguration.class))
			.withBean(OpenTelemetry.class, () -> tracedTo(exporter))
			.run((context) -> {
				assertThat(context).hasSingleBean(ObservationRegistry.class);
				publishObserved(context);
				assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
					.containsExactly("publish orders.created");
			});
	}

	@Test
	void tracingOffMakesNoSpans() {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		this.runner
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, BusTracingAutoConfiguration.class))
			.withBean(OpenTelemetry.class, () -> tracedTo(exporter))
			.withPropertyValues("bus.tracing.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(OpenTelemetryBusObservationHandler.class);
				publishObserved(context);
				assertThat(exporter.getFinishedSpanItems()).isEmpty();
			});
	}

	private static OpenTelemetrySdk tracedTo(InMemorySpanExporter exporter) {
		return OpenTelemetrySdk.builder()
			.setTracerProvider(
					SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
			.build();
	}

	private static void publishObserved(AssertableApplicationContext context) {
		BusObservations.publishSettled(
				context.getBean(BusObservations.class)
					.publishStarted(OutboundMessage.builder("orders.created", "payload").messageId("m-1").build()),
				null);
	}

	@Test
	void batchingReplacesThePublisher() {
		this.runner.withPropertyValues("bus.publisher.batching.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(BusPublisher.class)
				.hasSingleBean(BatchingBusPublisher.class));
	}

	@Test
	void aUserPublisherWins() {
		BusPublisher custom = (OutboundMessage message) -> CompletableFuture
			.completedFuture(new PublishReceipt(message.topic(), message.messageId()));
		this.runner.withBean("myPublisher", BusPublisher.class, () -> custom).run((context) -> {
			assertThat(context).hasSingleBean(BusPublisher.class);
			assertThat(context.getBean(BusPublisher.class)).isSameAs(custom);
		});
	}

	@Test
	void listenersCanBeSwitchedOff() {
		this.runner.withPropertyValues("bus.listener.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(BusPublisher.class)
				.doesNotHaveBean(BusListenerRegistry.class));
	}

	@Test
	void withoutMicrometerThereAreNoMetricsButEverythingElseWorks() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(BusPublisher.class)
			.doesNotHaveBean(MicrometerBusMetrics.class));
	}

	@Test
	void theDirectContainerGetsADispatchPoolOfItsOwnAndTheSimpleOneKeepsTheClientDefault() {
		this.runner
			.run((context) -> assertThat(context.getBean(CachingConnectionFactory.class)).extracting("executorService")
				.isSameAs(context.getBean("busListenerDispatchExecutor", ThreadPoolTaskExecutor.class)
					.getThreadPoolExecutor()));
		this.runner.withPropertyValues("bus.listener.container-type=simple")
			.run((context) -> assertThat(context).doesNotHaveBean("busListenerDispatchExecutor")
				.getBean(CachingConnectionFactory.class)
				.extracting("executorService")
				.isNull());
	}

	@Test
	void withoutASidecarTheStaticBrokerAddressesAreUsed() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(SidecarBrokerAddresses.class);
			assertThat(context.getBean(CachingConnectionFactory.class)).extracting("addressResolver").isNull();
		});
	}

	@Test
	void withASidecarBothConnectionFactoriesResolveAddressesThroughIt() {
		this.runner
			.withPropertyValues("bus.sidecar-client.url=http://127.0.0.1:1",
					"bus.sidecar-client.allow-insecure-brokers=true")
			.run((context) -> {
				SidecarBrokerAddresses addresses = context.getBean(SidecarBrokerAddresses.class);
				CachingConnectionFactory factory = context.getBean(CachingConnectionFactory.class);
				assertThat(factory).extracting("addressResolver").isSameAs(addresses);
				assertThat(factory.getPublisherConnectionFactory()).extracting("addressResolver").isSameAs(addresses);
				// The sidecar is not there: the static spring.rabbitmq address is the
				// fallback.
				assertThat(addresses.getAddresses()).containsExactly(new Address("localhost", 1));
			});
	}

	/**
	 * Anyone who may register a service in Consul could otherwise collect the app's
	 * broker credentials.
	 */
	@Test
	void brokersFromDiscoveryNeedTlsWithHostnameVerificationOrADevelopmentSwitch() {
		this.runner.withPropertyValues("bus.sidecar-client.url=http://127.0.0.1:1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("spring.rabbitmq.ssl.enabled=true")
				.hasMessageContaining("bus.sidecar-client.allow-insecure-brokers=true");
		});
		this.runner
			.withPropertyValues("bus.sidecar-client.url=http://127.0.0.1:1", "spring.rabbitmq.ssl.enabled=true",
					"spring.rabbitmq.ssl.verify-hostname=false")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("bus.sidecar-client.url=http://127.0.0.1:1", "spring.rabbitmq.ssl.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/**
	 * An application with connection factories of its own: Bus uses the primary one and
	 * changes neither.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactories {

		final ExecutorService ownExecutor = Executors.newSingleThreadExecutor();

		@Bean
		@Primary
		CachingConnectionFactory mainConnectionFactory() {
			return new CachingConnectionFactory("127.0.0.1", 1);
		}

		@Bean
		CachingConnectionFactory reportingConnectionFactory() {
			CachingConnectionFactory factory = new CachingConnectionFactory();
			factory.setAddresses("reporting-1:5672,reporting-2:5672");
			factory.setExecutor(this.ownExecutor);
			return factory;
		}

	}

	@Test
	void connectionFactoriesTheApplicationDefinesKeepTheirAddressesAndExecutors() {
		this.runner.withUserConfiguration(TwoConnectionFactories.class)
			.withPropertyValues("bus.sidecar-client.url=http://127.0.0.1:1",
					"bus.sidecar-client.allow-insecure-brokers=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RabbitBusPublisher.class);
				CachingConnectionFactory reporting = context.getBean("reportingConnectionFactory",
						CachingConnectionFactory.class);
				assertThat(reporting).extracting("executorService")
					.isSameAs(context.getBean(TwoConnectionFactories.class).ownExecutor);
				assertThat(reporting).extracting("addressResolver").isNull();
				assertThat(reporting).extracting("addresses")
					.asString()
					.contains("reporting-1")
					.contains("reporting-2");
				CachingConnectionFactory main = context.getBean("mainConnectionFactory",
						CachingConnectionFactory.class);
				assertThat(main).extracting("executorService").isNull();
				assertThat(main).extracting("addressResolver").isNull();
				context.getBean(TwoConnectionFactories.class).ownExecutor.shutdown();
			});
	}

	@Test
	void aJdbcStoreWithoutADatabaseFailsStartUpSayingWhatIsMissing() {
		this.runner.withPropertyValues("bus.outbox.enabled=true")
			.withConfiguration(AutoConfigurations.of(BusOutboxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("bus.outbox.enabled=true")
				.hasMessageContaining("no DataSource bean"));
		this.runner.withPropertyValues("bus.inbox.store=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("bus.inbox.store=jdbc")
				.hasMessageContaining("no DataSource bean"));
	}

	static class PrototypeListener {

		@BusListener(topic = "orders.created")
		void on(String payload) {
		}

	}

	@Test
	void eachListenerHasItsConsumersAndAPausedGaugePerCause() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("orderListener", PrototypeListener.class, PrototypeListener::new)
			.withPropertyValues("spring.rabbitmq.listener.direct.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				String id = context.getBean(BusListenerRegistry.class).definitions().get(0).id();
				assertThat(
						meters.get("bus.listener.consumers").tags("listener", id, "group", "test-app").gauge().value())
					.as("the broker cannot be reached here")
					.isZero();
				assertThat(meters.get("bus.listener.paused").tags("listener", id).gauges())
					.as("one series per cause, 0 until it pauses")
					.extracting((gauge) -> gauge.getId().getTag("cause") + "=" + gauge.value())
					.containsExactlyInAnyOrder("health=0.0", "maintenance=0.0");
				context.getBean(BusListenerRegistry.class).pause(id, "health", "the database is down");
				assertThat(meters.get("bus.listener.paused").tags("listener", id, "cause", "health").gauge().value())
					.isOne();
				assertThat(
						meters.get("bus.listener.paused").tags("listener", id, "cause", "maintenance").gauge().value())
					.isZero();
			});
	}

	@Test
	void aListenerOnAPrototypeBeanFailsStartUpNamingIt() {
		this.runner
			.withBean("perRequestListener", PrototypeListener.class, PrototypeListener::new,
					(definition) -> definition.setScope("prototype"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("perRequestListener")
				.hasMessageContaining("scope 'prototype'"));
	}

	@Test
	void theOutboxTableKeysOfEarlierReleasesStillBindToTheirNewNames() {
		this.runner.withPropertyValues("bus.outbox.table=legacy_outbox", "bus.outbox.initialize-schema=always")
			.run((context) -> {
				OutboxProperties.Jdbc jdbc = context.getBean(BusProperties.class).getOutbox().getJdbc();
				assertThat(jdbc.getTable()).isEqualTo("legacy_outbox");
				assertThat(jdbc.getInitializeSchema()).isEqualTo(SchemaInitialization.ALWAYS);
			});
		this.runner.withPropertyValues("bus.outbox.jdbc.table=new_outbox")
			.run((context) -> assertThat(context.getBean(BusProperties.class).getOutbox().getJdbc().getTable())
				.isEqualTo("new_outbox"));
	}

	@Test
	void invalidPropertiesFailStartUpNamingTheProperty() {
		for (String property : List.of("bus.publisher.confirm-timeout=0s", "bus.listener.prefetch=0",
				"bus.listener.concurrency=lots",
				"bus.publisher.batching.max-size=10MB,bus.publisher.batching.enabled=true", "bus.exchange= ",
				"bus.sidecar-client.url=localhost:4040",
				"bus.sidecar-client.wait=0s,bus.sidecar-client.url=http://127.0.0.1:4040",
				"bus.listener.messages-per-ack=0", "bus.listener.ack-timeout=0ms", "bus.metrics.max-topics=0",
				"bus.listener.max-message-size=0B", "bus.listener.retry.initial-interval=0s",
				"bus.publisher.cloud-events.prefix=x-ce-", "bus.security.message-token.clock-skew=10m",
				"bus.tracing.sampling-probability=2", "bus.outbox.batch-size=0")) {
			this.runner.withPropertyValues(property.split(",")).run((context) -> {
				assertThat(context).hasFailed();
				String name = property.substring(0, property.indexOf('='));
				name = name.contains(",") ? name.substring(0, name.indexOf(',')) : name;
				assertThat(context.getStartupFailure()).rootCause()
					.message()
					.as(property + ": the property as users write it")
					.contains(name);
			});
		}
		this.runner.withPropertyValues("bus.inbox.store=disk")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.as("an unknown store: Boot's binding failure names the property")
				.hasStackTraceContaining("Failed to bind properties under 'bus.inbox.store'"));
		this.runner.withPropertyValues("bus.inbox.store=JDBC")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("no DataSource bean"));
	}

	static class EmptyTopic {

		@BusListener(topic = "")
		void on(String payload) {
		}

	}

	static class BadPattern {

		@BusListener(topic = "orders.cre*ted")
		void on(String payload) {
		}

	}

	static class TwoPayloads {

		@BusListener(topic = "orders.created")
		void on(String payload, Integer other) {
		}

	}

	static class BadFilter {

		@BusListener(topic = "orders.created", filter = "payload.region ==")
		void on(String payload) {
		}

	}

	static class SharedQueue {

		@BusListener(topic = "orders.created")
		void first(String payload) {
		}

		@BusListener(topic = "orders.created")
		void second(String payload) {
		}

	}

	@Test
	void invalidListenerDeclarationsFailStartUpNamingTheMethod() {
		assertDeclarationFails(EmptyTopic.class, "EmptyTopic.on", "must not be empty");
		assertDeclarationFails(BadPattern.class, "BadPattern.on", "invalid word 'cre*ted'");
		assertDeclarationFails(TwoPayloads.class, "TwoPayloads.on", "more than one payload parameter");
		assertDeclarationFails(BadFilter.class, "BadFilter.on", "not a valid expression");
		assertDeclarationFails(SharedQueue.class, "SharedQueue.", "would share queue 'test-app.orders.created'");
	}

	/**
	 * The sidecar registers the endpoint's topics in Consul and operators register
	 * clients from its scopes: both must be right from start-up, not only after the first
	 * publish (a fresh sample system read them too early).
	 */
	@Test
	void theEndpointListsDeclaredPublicationsBeforeAnyPublish() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=bus",
					"bus.security.message-token.topics=orders.*")
			.withBean(DeclaresItsPublications.class)
			.run((context) -> {
				var body = context.getBean(BusEndpoint.class).bus();
				assertThat(body.publisher().topics()).containsExactly("orders.created", "orders.shipped");
				assertThat(body.requiredScopes().broker()).contains("rabbitmq.write:*/bus/orders.created",
						"rabbitmq.write:*/bus/orders.shipped");
				assertThat(body.requiredScopes().messageToken()).containsExactly("bus.publish:orders.created",
						"bus.publish:orders.shipped");
			});
	}

	@dev.bus.annotation.BusPublishes(topic = "orders.shipped", payload = String.class)
	@dev.bus.annotation.BusPublishes(topic = "orders.created", payload = String.class)
	static class DeclaresItsPublications {

	}

	@Test
	void aListenerNeedsAGroup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RabbitAutoConfiguration.class, JacksonAutoConfiguration.class,
					BusAutoConfiguration.class, BusInboxAutoConfiguration.class, BusListenerAutoConfiguration.class))
			.withPropertyValues("spring.rabbitmq.port=1")
			.withBean(EmptyGroup.class)
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("EmptyGroup.on")
				.hasMessageContaining("spring.application.name"));
	}

	static class EmptyGroup {

		@BusListener(topic = "orders.created")
		void on(String payload) {
		}

	}

	private void assertDeclarationFails(Class<?> listenerClass, String methodName, String problem) {
		this.runner.withBean(listenerClass).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("Invalid @BusListener method")
				.hasMessageContaining(methodName)
				.hasMessageContaining(problem);
		});
	}

}

package dev.bus.autoconfigure;

import java.util.List;

import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.BusPublisher;
import dev.bus.PublishPostProcessor;
import dev.bus.ReceivePostProcessor;
import dev.bus.core.TopicPattern;
import dev.bus.crypto.ConfidentialHeadersGuard;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.listener.BusTopology;
import dev.bus.listener.ReceiveChain;
import dev.bus.listener.ReplyReceiveChain;
import dev.bus.observation.BusObservations;
import dev.bus.publisher.BatchingBusPublisher;
import dev.bus.transport.BrokerAccess;
import dev.bus.publisher.BusPublisherLifecycle;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.EnvelopeSigner;
import dev.bus.publisher.Holds;
import dev.bus.publisher.PublishChain;
import dev.bus.publisher.PublishDeclarations;
import dev.bus.publisher.PublishRouting;
import dev.bus.publisher.RabbitBusPublisher;
import dev.bus.reply.PendingReplies;
import dev.bus.reply.Requester;
import dev.bus.routing.Router;
import dev.bus.routing.RoutingObserver;
import dev.bus.routing.TopicProtection;
import dev.bus.security.ApplicationScopes;
import dev.bus.security.RequiredScopes;
import dev.bus.transport.ChannelQueueReader;
import dev.bus.transport.ConfirmedSender;
import dev.bus.transport.QueueReader;
import dev.bus.publisher.PublishedTopics;

/**
 * Publishing: a {@link BusPublisher} over spring-amqp's connection factory (the
 * application's only one, or its primary one), using its dedicated publisher connection
 * so a blocked publisher never stalls consumers.
 */
@AutoConfiguration(after = { RabbitAutoConfiguration.class, JacksonAutoConfiguration.class })
@ConditionalOnClass(RabbitTemplate.class)
@ConditionalOnSingleCandidate(ConnectionFactory.class)
@EnableConfigurationProperties(BusProperties.class)
public final class BusAutoConfiguration {

	/**
	 * Bus's own admin, declaring only what Bus registers (explicit declarations), on
	 * every new connection, the publisher's included: an application that only publishes
	 * gets its exchange too. Not a default candidate, so where the application injects an
	 * {@code AmqpAdmin} it still gets Boot's (or its own). A declaration the broker
	 * refuses is logged and reported as an event, and the rest are still declared.
	 */
	@Bean(defaultCandidate = false)
	@ConditionalOnMissingBean(name = "busAmqpAdmin")
	RabbitAdmin busAmqpAdmin(ConnectionFactory connectionFactory) {
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.setExplicitDeclarationsOnly(true);
		admin.setIgnoreDeclarationExceptions(true);
		return admin;
	}

	@Bean
	@ConditionalOnMissingBean
	BusTopology busTopology(@Qualifier("busAmqpAdmin") RabbitAdmin busAmqpAdmin,
			ConfigurableListableBeanFactory beanFactory, BusProperties properties) {
		ListenerProperties listener = properties.getListener();
		return new BusTopology(busAmqpAdmin, beanFactory, properties.getExchange(),
				listener.getQueueType() == ListenerProperties.QueueType.QUORUM, listener.getDeliveryLimit(),
				properties.getTopology().isDeclare());
	}

	/**
	 * Last in every publish chain: confidential headers never leave in clear, encrypted
	 * topics or not.
	 */
	@Bean
	@ConditionalOnMissingBean
	ConfidentialHeadersGuard busConfidentialHeadersGuard() {
		return new ConfidentialHeadersGuard();
	}

	/**
	 * Every {@link PublishPostProcessor} bean, in order: tracing, then security and the
	 * user's own.
	 */
	@Bean
	@ConditionalOnMissingBean
	PublishChain busPublishChain(ObjectProvider<PublishPostProcessor> postProcessors) {
		return new PublishChain(postProcessors.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeFactory busEnvelopeFactory(BusProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			Environment environment, PublishChain publishChain, ObjectProvider<EnvelopeSigner> signer) {
		PublisherProperties.CloudEvents cloudEvents = properties.getPublisher().getCloudEvents();
		return new EnvelopeFactory(jsonMapper.getIfAvailable(JsonMapper::new), source(properties, environment),
				properties.getPublisher().getMaxMessageSize().toBytes(), properties.getPublisher().isPersistent(),
				publishChain, cloudEvents.isHeaders() ? cloudEvents.getPrefix() : null,
				signer.getIfUnique(() -> EnvelopeSigner.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeSender busEnvelopeSender(ConnectionFactory connectionFactory, BusProperties properties,
			@Qualifier("busTaskScheduler") TaskScheduler busTaskScheduler, ObjectProvider<BrokerAccess> brokerAccess,
			PendingReplies busPendingReplies) {
		return new ConfirmedSender(publisherConnectionFactory(connectionFactory),
				properties.getPublisher().getConfirmTimeout(), busTaskScheduler,
				brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN), busPendingReplies::deliver);
	}

	/**
	 * The routing rules of {@code bus.routing.rule-sets}; an invalid rule set fails
	 * start-up with its problems.
	 */
	@Bean
	@ConditionalOnMissingBean
	PublishDeclarations busPublishDeclarations(ListableBeanFactory beans) {
		return new PublishDeclarations(beans);
	}

	@Bean
	@ConditionalOnMissingBean
	ApplicationScopes busApplicationScopes(BusProperties properties, RabbitConnectionDetails connectionDetails,
			ObjectProvider<BusListenerRegistry> registry, PublishedTopics busPublishedTopics,
			PublishDeclarations busPublishDeclarations, ObjectProvider<Router> busRouter) {
		List<TopicPattern> tokenTopics = properties.getSecurity()
			.getMessageToken()
			.getTopics()
			.stream()
			.map(TopicPattern::of)
			.toList();
		RequiredScopes rules = new RequiredScopes(properties.getSecurity().getBrokerToken().getResourceServerId(),
				connectionDetails.getVirtualHost(), properties.getExchange(), tokenTopics,
				properties.getTopology().isDeclare());
		return new ApplicationScopes(rules, () -> {
			BusListenerRegistry listeners = registry.getIfAvailable();
			return (listeners != null) ? listeners.definitions() : List.of();
		}, () -> busPublishDeclarations.topicsWith(busPublishedTopics.sorted()), () -> {
			Router router = busRouter.getIfAvailable();
			return (router != null) ? Holds.queueNames(router.ruleSets()) : List.of();
		});
	}

	@Bean
	@ConditionalOnMissingBean
	Router busRouter(BusProperties properties, ObjectProvider<RoutingObserver> observers,
			ObjectProvider<TopicProtection> protection) {
		Router router = new Router(RoutingObserver.composite(observers.orderedStream().toList()),
				protection.getIfUnique(() -> TopicProtection.NONE));
		List<String> problems = router.update(properties.getRouting().getRuleSets());
		if (!problems.isEmpty()) {
			throw new IllegalStateException("bus.routing.rule-sets is refused: " + String.join("; ", problems));
		}
		return router;
	}

	/**
	 * Reads queues without a consumer (dead-letter replays, hold releases) over a channel
	 * of its own; a transport of its own brings another.
	 */
	@Bean
	@ConditionalOnMissingBean
	QueueReader busQueueReader(ConnectionFactory connectionFactory) {
		return new ChannelQueueReader(connectionFactory);
	}

	/** The holding queues of hold routing rules, and their release. */
	@Bean
	@ConditionalOnMissingBean
	Holds busHolds(BusTopology busTopology, QueueReader busQueueReader, EnvelopeSender envelopeSender,
			BusProperties properties, ObjectProvider<BrokerAccess> brokerAccess, Router busRouter) {
		return new Holds(busTopology::addHoldQueue, busQueueReader, envelopeSender, properties.getExchange(),
				brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN), busRouter::ruleSets);
	}

	/** The routing rules applied to every publish. */
	@Bean
	@ConditionalOnMissingBean
	PublishRouting busPublishRouting(Router busRouter, Holds busHolds, ObjectProvider<BrokerAccess> brokerAccess,
			BusProperties properties, PublishedTopics busPublishedTopics) {
		return new PublishRouting(busRouter, busHolds, brokerAccess.getIfUnique(() -> BrokerAccess.UNKNOWN),
				properties.getExchange(), busPublishedTopics);
	}

	/** The topics this app published to, which the sidecar registers. */
	@Bean
	@ConditionalOnMissingBean
	PublishedTopics busPublishedTopics() {
		return new PublishedTopics();
	}

	@Bean
	@ConditionalOnMissingBean
	PendingReplies busPendingReplies(ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ReceivePostProcessor> postProcessors, ObjectProvider<BusObservations> busObservations) {
		return new PendingReplies(jsonMapper.getIfAvailable(JsonMapper::new),
				new ReplyReceiveChain(() -> new ReceiveChain(postProcessors.orderedStream().toList()),
						busObservations.getIfAvailable(() -> BusObservations.NONE)));
	}

	@Bean
	@ConditionalOnMissingBean
	Requester busRequester(BusProperties properties, EnvelopeFactory envelopeFactory, EnvelopeSender busEnvelopeSender,
			PendingReplies busPendingReplies, PublishRouting busPublishRouting,
			ObjectProvider<BusObservations> busObservations) {
		return new Requester(properties.getExchange(), envelopeFactory, busEnvelopeSender, busPendingReplies,
				busPublishRouting, busObservations.getIfAvailable(() -> BusObservations.NONE));
	}

	@Bean
	@ConditionalOnMissingBean(BusPublisher.class)
	@ConditionalOnProperty(name = "bus.publisher.batching.enabled", havingValue = "false", matchIfMissing = true)
	RabbitBusPublisher busPublisher(BusProperties properties, EnvelopeFactory envelopeFactory,
			EnvelopeSender envelopeSender, ObjectProvider<BusObservations> busObservations, Requester busRequester,
			PublishRouting busPublishRouting) {
		return new RabbitBusPublisher(properties.getExchange(), envelopeFactory, envelopeSender,
				busObservations.getIfAvailable(() -> BusObservations.NONE), busRequester, busPublishRouting);
	}

	@Bean
	@ConditionalOnMissingBean(BusPublisher.class)
	@ConditionalOnProperty(name = "bus.publisher.batching.enabled", havingValue = "true")
	BatchingBusPublisher batchingBusPublisher(BusProperties properties, EnvelopeFactory envelopeFactory,
			EnvelopeSender envelopeSender, ObjectProvider<BusObservations> busObservations,
			@Qualifier("busTaskScheduler") TaskScheduler busTaskScheduler, Requester busRequester,
			PublishRouting busPublishRouting) {
		PublisherProperties.Batching batching = properties.getPublisher().getBatching();
		return new BatchingBusPublisher(properties.getExchange(), envelopeFactory, envelopeSender,
				busObservations.getIfAvailable(() -> BusObservations.NONE), busTaskScheduler,
				(int) batching.getMaxSize().toBytes(), batching.getMaxMessages(), batching.getLinger(), busRequester,
				busPublishRouting);
	}

	@Bean
	@ConditionalOnMissingBean
	BusPublisherLifecycle busPublisherLifecycle(EnvelopeSender envelopeSender,
			ObjectProvider<BatchingBusPublisher> batchingPublisher, BusProperties properties) {
		return new BusPublisherLifecycle(envelopeSender, batchingPublisher.getIfAvailable(),
				properties.getPublisher().getConfirmTimeout());
	}

	/**
	 * Bus's background timers (overdue confirms, batch linger, inbox cleanup): a
	 * scheduler of its own, so it lives and dies with the context; its single thread
	 * starts only when something is scheduled.
	 */
	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean(name = "busTaskScheduler")
	ThreadPoolTaskScheduler busTaskScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("bus-");
		scheduler.setDaemon(true);
		// Publishing goes on while the context stops (handlers, HTTP requests draining,
		// the outbox's last pass):
		// keep accepting until the scheduler is destroyed, after every lifecycle has
		// stopped.
		scheduler.setAcceptTasksAfterContextClose(true);
		scheduler.initialize();
		return scheduler;
	}

	static String source(BusProperties properties, Environment environment) {
		if (properties.getSource() != null) {
			return properties.getSource();
		}
		return "/" + ApplicationName.of(environment);
	}

	private static ConnectionFactory publisherConnectionFactory(ConnectionFactory connectionFactory) {
		if (connectionFactory instanceof AbstractConnectionFactory factory
				&& factory.getPublisherConnectionFactory() != null) {
			return factory.getPublisherConnectionFactory();
		}
		return connectionFactory;
	}

}
